import type {
  ArgoApplication as Application,
  ArgoApplicationSource as ApplicationSource,
} from '@shiplog/plugin-shiplog-node';
import {
  AppState,
  CHART_REPO,
  CHART_VERSION,
  isManual,
  isMultiSource,
  revisions,
  SimulatorOptions,
} from './model';
import { topResources } from './resources';

/** The application as Argo CD's API returns it. */
export function toApplication(
  options: SimulatorOptions,
  name: string,
  app: AppState,
): Application {
  const manual = isManual(options, app);
  const multi = isMultiSource(options, app);
  return {
    metadata: {
      name,
      namespace: 'argocd',
      uid: app.uid,
      resourceVersion: String(1000 + app.generation),
      labels: {
        'app.kubernetes.io/name': app.component,
        'shiplog.dev/environment': app.environment,
      },
      creationTimestamp: app.createdAt,
    },
    spec: {
      project: 'default',
      ...sourcesOf(options, app),
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: `${app.component}-${app.environment}`,
      },
      syncPolicy: manual ? {} : { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: {
        status: app.syncStatus,
        ...revisions(options, app, app.liveRevision),
      },
      health: {
        status: app.health,
        ...(app.healthMessage ? { message: app.healthMessage } : {}),
      },
      history: app.history,
      ...(app.operationState ? { operationState: app.operationState } : {}),
      reconciledAt: app.reconciledAt,
      ...(multi ? { sourceTypes: ['Helm', 'Helm'] } : { sourceType: 'Helm' }),
      resources: topResources(app),
      summary: { images: [`${app.image}:${app.liveTag}`] },
    },
  };
}

/** Where the application's manifests come from: the chart in Git, or a chart repository plus values from Git. */
function sourcesOf(
  options: SimulatorOptions,
  app: AppState,
): Pick<Application['spec'], 'source' | 'sources'> {
  const valuesFile = `values-${app.environment}.yaml`;
  if (isMultiSource(options, app)) {
    const sources: ApplicationSource[] = [
      {
        repoURL: CHART_REPO,
        chart: app.component,
        targetRevision: CHART_VERSION,
        helm: {
          valueFiles: [`$values/charts/${app.component}/${valuesFile}`],
        },
      },
      {
        repoURL: options.repoUrl,
        targetRevision: 'main',
        ref: 'values',
      },
    ];
    return { sources };
  }
  return {
    source: {
      repoURL: options.repoUrl,
      path: `charts/${app.component}`,
      targetRevision: 'main',
      helm: { valueFiles: [valuesFile] },
    },
  };
}

function pick(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function assign(
  target: Record<string, unknown>,
  path: string[],
  value: unknown,
) {
  let current = target;
  path.slice(0, -1).forEach(key => {
    current[key] ??= {};
    current = current[key] as Record<string, unknown>;
  });
  current[path[path.length - 1]] = value;
}

/** Argo CD's `fields` query: keep only the listed paths of each item. */
export function project(item: Application, fields: string[][]): unknown {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = pick(item, field);
    if (value !== undefined) assign(out, field, value);
  }
  return out;
}
