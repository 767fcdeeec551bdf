import { InputError } from '@backstage/errors';
import { ScmIntegration } from '@backstage/integration';

/** Decodes a URL path (invalid escapes stay as they are): what the host serves in the end. */
function decodedPath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/**
 * The URL of a values file at a branch of a repository on an integration host, checked to stay inside
 * that repository and branch: a path that resolves or decodes elsewhere (`%2e%2e/`, `..%2f`) would make
 * the URL reader read another repository with the integration's credentials.
 */
export function valuesFileUrl(
  integration: Pick<ScmIntegration, 'resolveUrl'>,
  repository: string,
  ref: string,
  path: string,
): string {
  const base = `${repository
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')}/blob/${encodeURIComponent(ref)}/`;
  // The integration decides the URL's form (GitHub turns blob/ into tree/): a probe file shows its prefix.
  const probe = integration.resolveUrl({ url: 'probe', base });
  const prefix = probe.slice(0, -'probe'.length);
  const url = integration.resolveUrl({ url: path, base });
  const rest = url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
  const inside =
    rest !== undefined &&
    !/[?#]/.test(rest) &&
    !decodedPath(rest).split(/[/\\]/).includes('..') &&
    !decodedPath(rest).startsWith('/');
  if (!inside) {
    throw new InputError(
      `values path "${path}" leaves the repository ${repository}`,
    );
  }
  return url;
}
