import type {
  ArgoResourceNode as ResourceNode,
  ArgoResourceStatus as ResourceStatus,
} from '@shiplog/plugin-shiplog-node';
import type { AppState } from './model';

/** A stable made-up id (FNV-1a), so the same application always shows the same uids and pod names. */
function hash(text: string, length = 10): string {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0').repeat(2).slice(0, length);
}

/** The resource tree Argo CD shows: config, service, deployment, its replica set and two pods. */
export function resourceTree(app: AppState): { nodes: ResourceNode[] } {
  const namespace = `${app.component}-${app.environment}`;
  const deploymentUid = hash(`${app.uid}/deploy`, 12);
  const replicaSet = `${app.component}-${hash(app.liveTag)}`;
  const replicaSetUid = hash(`${app.uid}/${replicaSet}`, 12);
  const nodes: ResourceNode[] = [
    {
      version: 'v1',
      kind: 'ConfigMap',
      namespace,
      name: `${app.component}-config`,
      uid: hash(`${app.uid}/cm`, 12),
    },
    {
      version: 'v1',
      kind: 'Service',
      namespace,
      name: app.component,
      uid: hash(`${app.uid}/svc`, 12),
      health: { status: 'Healthy' },
    },
    {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace,
      name: app.component,
      uid: deploymentUid,
      health: {
        status: app.health,
        ...(app.healthMessage ? { message: app.healthMessage } : {}),
      },
      info: [{ name: 'Revision', value: `Rev:${app.history.length}` }],
    },
    {
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      namespace,
      name: replicaSet,
      uid: replicaSetUid,
      parentRefs: [
        {
          group: 'apps',
          kind: 'Deployment',
          namespace,
          name: app.component,
          uid: deploymentUid,
        },
      ],
      health: {
        status: app.health === 'Progressing' ? 'Progressing' : 'Healthy',
      },
    },
  ];
  nodes.push(...podNodes(app, namespace, replicaSet, replicaSetUid));
  return { nodes };
}

/** Two pods of the live replica set; the second is the one still starting (or failing) in a rollout. */
function podNodes(
  app: AppState,
  namespace: string,
  replicaSet: string,
  replicaSetUid: string,
): ResourceNode[] {
  const image = `${app.image}:${app.liveTag}`;
  return [0, 1].map(index => {
    const unhealthy = app.health !== 'Healthy' && index === 1;
    return {
      version: 'v1',
      kind: 'Pod',
      namespace,
      name: `${replicaSet}-${hash(`${app.uid}${index}${app.liveTag}`, 5)}`,
      uid: hash(`${app.uid}/pod/${index}/${app.liveTag}`, 12),
      parentRefs: [
        {
          group: 'apps',
          kind: 'ReplicaSet',
          namespace,
          name: replicaSet,
          uid: replicaSetUid,
        },
      ],
      health: unhealthy
        ? {
            status: app.health === 'Degraded' ? 'Degraded' : 'Progressing',
            message:
              app.health === 'Degraded'
                ? 'back-off 5m0s restarting failed container'
                : 'ContainerCreating',
          }
        : { status: 'Healthy' },
      images: [image],
      info: [
        {
          name: 'Status Reason',
          value: unhealthy ? 'CrashLoopBackOff' : 'Running',
        },
      ],
    };
  });
}

/** `status.resources`: the tree's top-level resources; only the Deployment changes with the image. */
export function topResources(app: AppState): ResourceStatus[] {
  return resourceTree(app)
    .nodes.filter(node => !node.parentRefs)
    .map(({ group, version, kind, namespace, name, health }) => ({
      ...(group ? { group } : {}),
      version,
      kind,
      namespace,
      name,
      status:
        kind === 'Deployment' && app.syncStatus !== 'Synced'
          ? 'OutOfSync'
          : 'Synced',
      ...(health ? { health } : {}),
    }));
}
