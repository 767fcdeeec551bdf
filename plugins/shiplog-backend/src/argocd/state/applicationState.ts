import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  EnvironmentConfig,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import type {
  ArgoApplication,
  ArgoResourceNode,
} from '@shiplog/plugin-shiplog-node';
import { matchesSelector } from '@shiplog/plugin-shiplog-node';
import { ArgoCdConfig } from '../config';
import {
  applicationEnvironment,
  revisionsOf,
  sourcesOf,
  versionFromImages,
} from '../client/applicationFields';

/**
 * The entity an Application names with `shiplog.dev/entity-ref` (normalised), null when it names one that
 * cannot be parsed (then it belongs to nobody), undefined when it names none.
 */
export function declaredOwnerOf(
  app: ArgoApplication,
): string | null | undefined {
  const declared = app.metadata.annotations?.[SHIPLOG_ANNOTATIONS.entityRef];
  if (declared === undefined) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(declared.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}

/**
 * Does this application belong to the entity? An Application's own `shiplog.dev/entity-ref` decides alone;
 * otherwise a non-empty `argocd/app-name` or an `argocd/app-selector` with at least one requirement (an
 * empty selector matches nothing), and their project and namespace filters.
 */
export function belongsToEntity(app: ArgoApplication, entity: Entity): boolean {
  const declaredOwner = declaredOwnerOf(app);
  if (declaredOwner !== undefined) {
    return (
      declaredOwner === stringifyEntityRef(entity).toLocaleLowerCase('en-US')
    );
  }
  const annotations = entity.metadata.annotations ?? {};
  const names = (annotations[ARGOCD_ANNOTATIONS.appName] ?? '')
    .split(',')
    .map(name => name.trim())
    .filter(Boolean);
  const selector = annotations[ARGOCD_ANNOTATIONS.appSelector];
  const byName = names.includes(app.metadata.name);
  const bySelector =
    !!selector && matchesSelector(selector, app.metadata.labels ?? {});
  if (!byName && !bySelector) return false;
  const project = annotations[ARGOCD_ANNOTATIONS.projectName];
  const namespace = annotations[ARGOCD_ANNOTATIONS.appNamespace];
  return (
    (!project || app.spec.project === project) &&
    (!namespace || app.metadata.namespace === namespace)
  );
}

function initiator(by?: { username?: string; automated?: boolean }) {
  if (!by) return undefined;
  return by.username ?? (by.automated ? 'automated sync' : undefined);
}

/** Kinds, health counts and the unhealthy resources of a resource tree. */
export function summarizeResources(
  nodes: ArgoResourceNode[],
): NonNullable<ArgoCdApplicationState['resources']> {
  const byKind: Record<string, number> = {};
  const byHealth: Record<string, number> = {};
  const unhealthy: NonNullable<
    ArgoCdApplicationState['resources']
  >['unhealthy'] = [];
  for (const node of nodes) {
    byKind[node.kind] = (byKind[node.kind] ?? 0) + 1;
    if (node.health?.status) {
      byHealth[node.health.status] = (byHealth[node.health.status] ?? 0) + 1;
      if (!['Healthy', 'Suspended'].includes(node.health.status)) {
        unhealthy.push({
          kind: node.kind,
          name: node.name,
          namespace: node.namespace,
          health: node.health.status,
          message: node.health.message,
        });
      }
    }
  }
  return {
    total: nodes.length,
    byKind,
    byHealth,
    unhealthy: unhealthy.slice(0, 20),
  };
}

/** The part of the state that comes from the application list alone. */
export function describeApplication(
  app: ArgoApplication,
  instance: { name: string; frontendUrl: string },
  entity: Entity,
  config: Pick<ArgoCdConfig, 'environmentLabels' | 'destinationEnvironments'>,
  environments: EnvironmentConfig[],
): ArgoCdApplicationState {
  const environment = applicationEnvironment(app, config, environments);
  const images = app.status?.summary?.images ?? [];
  const history = (app.status?.history ?? [])
    .slice(-5)
    .reverse()
    .map(entry => ({
      id: entry.id,
      revisions: revisionsOf(entry),
      deployedAt: entry.deployedAt,
      initiatedBy: initiator(entry.initiatedBy),
    }));
  const operation = app.status?.operationState;
  const automated = !!app.spec.syncPolicy?.automated;
  const policy = environments.find(env => env.name === environment);
  const appNamespace = app.metadata.namespace;
  return {
    instance: instance.name,
    name: app.metadata.name,
    namespace: appNamespace,
    project: app.spec.project,
    environment,
    url: `${instance.frontendUrl}/applications/${encodeURIComponent(
      appNamespace,
    )}/${encodeURIComponent(app.metadata.name)}`,
    sources: sourcesOf(app).map(source => ({
      repoURL: source.repoURL,
      path: source.path,
      chart: source.chart,
      targetRevision: source.targetRevision,
      ref: source.ref,
      valueFiles: source.helm?.valueFiles,
    })),
    multiSource: (app.spec.sources?.length ?? 0) > 0,
    syncPolicy: automated ? 'automated' : 'manual',
    sync: {
      status: app.status?.sync?.status ?? 'Unknown',
      revisions: revisionsOf(app.status?.sync),
    },
    health: {
      status: app.status?.health?.status ?? 'Unknown',
      message: app.status?.health?.message,
    },
    operation: operation && {
      phase: operation.phase,
      message: operation.message,
      startedAt: operation.startedAt,
      finishedAt: operation.finishedAt,
      initiatedBy: initiator(operation.operation?.initiatedBy),
    },
    images,
    version: versionFromImages(
      images,
      entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.image],
    ),
    lastDeployedAt: history[0]?.deployedAt,
    history,
    gitDrift: 'unknown',
    // Offered where the environment syncs by hand, or the app has no automated policy (nothing else would sync it).
    manualSync: policy?.sync === 'manual' || !automated,
  };
}
