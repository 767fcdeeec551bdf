/**
 * Does a label selector like `app=checkout,tier!=batch` match? Equality-based selectors only, as Argo CD's
 * plugins use: the `argocd/app-selector` annotation, the webhook mapping and the simulator's `?selector=`.
 *
 * @public
 */
export function matchesSelector(
  selector: string,
  labels: Record<string, string>,
): boolean {
  const requirements = selector
    .split(',')
    .map(part => part.trim())
    .filter(Boolean);
  // A selector without requirements (`,`, ` `) would match every application: it matches none.
  if (!requirements.length) return false;
  return requirements.every(part => {
    const notEqual = /^([^!=]+)!=(.*)$/.exec(part);
    if (notEqual) return labels[notEqual[1].trim()] !== notEqual[2].trim();
    const equal = /^([^=]+)==?(.*)$/.exec(part);
    if (equal) return labels[equal[1].trim()] === equal[2].trim();
    return part in labels;
  });
}
