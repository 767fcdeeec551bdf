/**
 * Catalog annotations Shiplog reads. The names are a public contract: users' catalogs depend on them.
 *
 * @public
 */
export const SHIPLOG_ANNOTATIONS = {
  gitopsRepo: 'shiplog.dev/gitops-repo',
  valuesPath: 'shiplog.dev/values-path',
  imageTagPath: 'shiplog.dev/image-tag-path',
  image: 'shiplog.dev/image',
  environments: 'shiplog.dev/environments',
  /** On an Argo CD Application: the one entity it belongs to, whatever other entities' annotations say. */
  entityRef: 'shiplog.dev/entity-ref',
} as const;

/**
 * Annotations shared with the existing Argo CD plugins, so catalogs need no change.
 *
 * @public
 */
export const ARGOCD_ANNOTATIONS = {
  appName: 'argocd/app-name',
  appSelector: 'argocd/app-selector',
  instanceName: 'argocd/instance-name',
  projectName: 'argocd/project-name',
  appNamespace: 'argocd/app-namespace',
} as const;

/** @public */
export const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * Splits the comma-separated `shiplog.dev/environments` annotation value.
 *
 * @public
 */
export function parseEnvironmentsAnnotation(
  value: string | undefined,
): string[] | undefined {
  if (!value) {
    return undefined;
  }
  const names = value
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  return names.length ? names : undefined;
}
