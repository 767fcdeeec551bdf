import { IncomingMessage, ServerResponse } from 'http';
import type {
  ArgoInitiatedBy as InitiatedBy,
  ArgoRevisionMetadata as RevisionMetadata,
} from '@shiplog/plugin-shiplog-node';
import { matchesSelector } from '@shiplog/plugin-shiplog-node';
import { project, toApplication } from './applications';
import { HttpError, readBody, reply, replyError } from './http';
import {
  AppState,
  CHART_VERSION,
  SimulatedInstance,
  SimulatorOptions,
} from './model';
import { resourceTree } from './resources';
import type { Sessions } from './sessions';
import type { ApplicationWatchers } from './watchStream';

/** What the HTTP routes need of the simulator. */
export interface SimulatedCluster {
  options: SimulatorOptions;
  sessions: Sessions;
  watchers: ApplicationWatchers;
  /** The repository head the applications were last reconciled against. */
  head(): string | undefined;
  /** The applications an instance manages, by name. */
  appsOf(instance: SimulatedInstance): Array<[string, AppState]>;
  /** Counts a request per instance and route. */
  count(instance: string, route: string): void;
  startSync(app: AppState, revision: string, initiatedBy: InitiatedBy): void;
}

interface Request {
  cluster: SimulatedCluster;
  instance: SimulatedInstance;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string;
}

const APPLICATION_ROUTE =
  /^\/api\/v1\/applications\/([^/]+)(?:\/(resource-tree|sync|revisions\/([^/]+)\/metadata))?$/;

/** Serves one request of an instance; Argo CD's errors are answered in its JSON shape. */
export async function handleRequest(
  cluster: SimulatedCluster,
  instance: SimulatedInstance,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const path = url.pathname.replace(/\/+$/, '');
  if (instance.latencyMs)
    await new Promise(r => setTimeout(r, instance.latencyMs));
  try {
    await route({ cluster, instance, req, res, url, path });
  } catch (error) {
    if (error instanceof HttpError) {
      replyError(res, error);
    } else {
      throw error;
    }
  }
}

async function route(request: Request) {
  const { cluster, instance, req, res, url, path } = request;
  if (req.method === 'POST' && path === '/api/v1/session') {
    cluster.count(instance.name, 'session');
    const token = cluster.sessions.login(instance, await readBody(req));
    reply(res, 200, { token });
    return;
  }
  cluster.sessions.authorize(instance, req);
  if (req.method === 'GET' && path === '/api/v1/session/userinfo') {
    reply(res, 200, {
      loggedIn: true,
      username: instance.username ?? 'shiplog',
      iss: 'argocd',
    });
    return;
  }
  if (req.method === 'GET' && path === '/api/v1/stream/applications') {
    cluster.count(instance.name, 'stream');
    cluster.watchers.watch(
      instance.name,
      req,
      res,
      url,
      cluster
        .appsOf(instance)
        .map(([name, app]) => toApplication(cluster.options, name, app)),
    );
    return;
  }
  if (req.method === 'GET' && path === '/api/v1/applications') {
    cluster.count(instance.name, 'list');
    reply(res, 200, listApplications(cluster, instance, url));
    return;
  }
  const appRoute = APPLICATION_ROUTE.exec(path);
  if (appRoute && (await applicationRoute(request, appRoute))) return;
  throw new HttpError(
    404,
    `${req.method} ${path} is not served by the simulator`,
    5,
  );
}

/** `GET /api/v1/applications` with its selector, project and name filters and `fields` projection. */
function listApplications(
  cluster: SimulatedCluster,
  instance: SimulatedInstance,
  url: URL,
) {
  const selector = url.searchParams.get('selector') ?? '';
  const projects = url.searchParams
    .getAll('projects')
    .concat(url.searchParams.getAll('project'));
  const names = url.searchParams.getAll('name');
  const fields = (url.searchParams.get('fields') ?? '')
    .split(',')
    .map(f => f.trim())
    .filter(Boolean);
  const items = cluster
    .appsOf(instance)
    .map(([name, app]) => toApplication(cluster.options, name, app))
    .filter(
      app => !selector || matchesSelector(selector, app.metadata.labels ?? {}),
    )
    .filter(app => !projects.length || projects.includes(app.spec.project))
    .filter(app => !names.length || names.includes(app.metadata.name));
  const itemFields = fields
    .filter(f => f.startsWith('items.'))
    .map(f => f.slice(6).split('.'));
  return {
    metadata: { resourceVersion: String(Date.now()) },
    items: itemFields.length
      ? items.map(item => project(item, itemFields))
      : items,
  };
}

/** One application: get, resource tree, sync, revision metadata. False when none matches. */
async function applicationRoute(
  { cluster, instance, req, res, url }: Request,
  appRoute: RegExpExecArray,
): Promise<boolean> {
  const name = decodeURIComponent(appRoute[1]);
  const app = findApp(cluster, instance, name, url);
  const action = appRoute[2];
  if (!action && req.method === 'GET') {
    cluster.count(instance.name, 'get');
    reply(res, 200, toApplication(cluster.options, name, app));
    return true;
  }
  if (action === 'resource-tree' && req.method === 'GET') {
    cluster.count(instance.name, 'resource-tree');
    reply(res, 200, resourceTree(app));
    return true;
  }
  if (action === 'sync' && req.method === 'POST') {
    cluster.count(instance.name, 'sync');
    syncApplication(cluster, instance, app, await readBody(req));
    reply(res, 200, toApplication(cluster.options, name, app));
    return true;
  }
  if (appRoute[3] && req.method === 'GET') {
    cluster.count(instance.name, 'revision-metadata');
    const revision = decodeURIComponent(appRoute[3]);
    reply(res, 200, await revisionMetadata(cluster, revision));
    return true;
  }
  return false;
}

function findApp(
  cluster: SimulatedCluster,
  instance: SimulatedInstance,
  name: string,
  url: URL,
): AppState {
  const namespace = url.searchParams.get('appNamespace');
  const app = cluster
    .appsOf(instance)
    .find(([appName]) => appName === name)?.[1];
  if (!app || (namespace && namespace !== 'argocd')) {
    throw new HttpError(404, `applications.argoproj.io "${name}" not found`, 5);
  }
  return app;
}

/** Starts a sync to the head of main (the only revision the simulator syncs to). */
function syncApplication(
  cluster: SimulatedCluster,
  instance: SimulatedInstance,
  app: AppState,
  body: Record<string, unknown>,
) {
  if (app.operationState?.phase === 'Running') {
    throw new HttpError(400, 'another operation is already in progress', 9);
  }
  const head = cluster.head() ?? app.liveRevision;
  const requested =
    typeof body.revision === 'string' && body.revision
      ? body.revision
      : undefined;
  if (
    requested &&
    requested !== head &&
    requested !== 'main' &&
    requested !== 'HEAD'
  ) {
    throw new HttpError(
      400,
      `revision ${requested} is not the head of main; the simulator only syncs to the head`,
      3,
    );
  }
  cluster.startSync(app, head, {
    username: instance.username ?? 'shiplog',
  });
}

async function revisionMetadata(
  cluster: SimulatedCluster,
  revision: string,
): Promise<RevisionMetadata> {
  if (revision === CHART_VERSION) {
    throw new HttpError(
      400,
      `revision metadata is only available for Git sources, not chart ${CHART_VERSION}`,
      3,
    );
  }
  const commit = await cluster.options.repository.commit(revision);
  if (!commit) throw new HttpError(404, `revision ${revision} not found`, 5);
  return {
    author: commit.author,
    date: commit.date,
    tags: [],
    message: commit.message,
  };
}
