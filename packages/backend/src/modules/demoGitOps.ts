import type { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import { seedBareRepository } from '@shiplog/argocd-simulator';
import { join } from 'path';

/** What the demo's history says runs where: the last successful deploy per component and environment. */
export function currentVersions(
  events: ReleaseEventInput[],
): Map<string, Map<string, string>> {
  const latest = new Map<string, { at: string; version: string }>();
  for (const event of events) {
    if (event.type !== 'deploy' || event.status !== 'succeeded') continue;
    if (!event.environment || !event.version || !event.occurredAt) continue;
    const key = `${event.entityRef}\u0000${event.environment}`;
    const seen = latest.get(key);
    if (!seen || seen.at < event.occurredAt) {
      latest.set(key, { at: event.occurredAt, version: event.version });
    }
  }
  const byComponent = new Map<string, Map<string, string>>();
  for (const [key, { version }] of latest) {
    const [entityRef, environment] = key.split('\u0000');
    const component = entityRef.replace(/^.*[:/]/, '');
    if (!byComponent.has(component)) byComponent.set(component, new Map());
    byComponent.get(component)!.set(environment, version);
  }
  return byComponent;
}

function valuesFile(component: string, environment: string, tag: string) {
  return `# ${component} in ${environment}: Helm values read by Argo CD.
# image.tag is edited by Shiplog promotions; everything else is yours.

replicaCount: ${environment === 'prod' ? 3 : 1}

image:
  repository: ghcr.io/acme/${component}
  tag: ${
    /^[0-9]+\.[0-9]+$/.test(tag) ? `"${tag}"` : tag
  }   # promoted by Shiplog
  pullPolicy: IfNotPresent

resources:
  requests:
    cpu: 100m
    memory: 128Mi
`;
}

/**
 * Creates the demo GitOps repository (`<dir>/gitops.git`) with a values file per component and
 * environment at the versions the demo history deployed, unless it exists already. Returns true when created.
 */
export async function seedDemoGitOps(
  dir: string,
  events: ReleaseEventInput[],
): Promise<boolean> {
  const files: Record<string, string> = {};
  for (const [component, environments] of currentVersions(events)) {
    for (const [environment, version] of environments) {
      files[`charts/${component}/values-${environment}.yaml`] = valuesFile(
        component,
        environment,
        version,
      );
    }
  }
  return seedBareRepository(join(dir, 'gitops.git'), files);
}
