import { InputError } from '@backstage/errors';
import { posix } from 'path';

/**
 * Decodes percent-escapes until nothing changes (a few rounds: `%252e` is `%2e` once decoded), so the
 * checks see what a URL reader would finally ask for. Undefined when the escapes are malformed.
 */
function fullyDecoded(path: string): string | undefined {
  let current = path;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/** Does this path, read literally or as a URL reader decodes it, leave the repository's root? */
function escapesRepository(path: string): boolean {
  const normalized = posix.normalize(path.replace(/\\/g, '/'));
  return (
    posix.isAbsolute(normalized) ||
    normalized === '.' ||
    normalized.split('/').includes('..')
  );
}

/**
 * Fills a `shiplog.dev/values-path` template (`charts/{{component}}/values-{{environment}}.yaml`) and checks
 * the result stays inside the repository: no absolute path, no `..`, no empty segment, no percent-encoded
 * dot, slash or backslash (a URL reader decodes `%2e%2e/` into `../`), no query or fragment, and nothing
 * whose decoded form escapes either.
 *
 * @public
 */
export function resolveValuesPath(
  template: string,
  variables: { environment: string; component: string },
): string {
  const filled = template.replace(
    /\{\{\s*(environment|component)\s*\}\}/g,
    (_match, name: 'environment' | 'component') => variables[name],
  );
  if (/\{\{|\}\}/.test(filled)) {
    throw new InputError(
      `values path "${template}" has an unknown placeholder; only {{environment}} and {{component}} are supported`,
    );
  }
  const normalized = posix.normalize(filled.replace(/\\/g, '/'));
  const decoded = fullyDecoded(normalized);
  if (
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f?#]/.test(filled) ||
    /%(2e|2f|5c|00)/i.test(filled) ||
    decoded === undefined ||
    escapesRepository(normalized) ||
    escapesRepository(decoded) ||
    !/\.ya?ml$/.test(normalized)
  ) {
    throw new InputError(
      `values path "${filled}" must be a relative path to a .yaml file inside the GitOps repository`,
    );
  }
  return normalized;
}
