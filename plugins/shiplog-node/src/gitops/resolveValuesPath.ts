import { InputError } from '@backstage/errors';
import { posix } from 'path';

/**
 * Fills a `shiplog.dev/values-path` template (`charts/{{component}}/values-{{environment}}.yaml`) and checks
 * the result stays inside the repository: no absolute path, no `..`, no empty segment.
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
  if (
    filled.includes('\0') ||
    posix.isAbsolute(normalized) ||
    normalized === '.' ||
    normalized.split('/').includes('..') ||
    !/\.ya?ml$/.test(normalized)
  ) {
    throw new InputError(
      `values path "${filled}" must be a relative path to a .yaml file inside the GitOps repository`,
    );
  }
  return normalized;
}
