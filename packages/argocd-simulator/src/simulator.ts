import { randomBytes, randomUUID } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { parse as parseYaml } from 'yaml';
import { GitRepository } from './gitRepo';
import { ApplicationWatchers, WatchEventType } from './watchStream';
import type {
  ArgoApplication as Application,
  ArgoApplicationSource as ApplicationSource,
  ArgoHistoryEntry as HistoryEntry,
  ArgoInitiatedBy as InitiatedBy,
  ArgoOperationState as OperationState,
  ArgoResourceNode as ResourceNode,
  ArgoResourceStatus as ResourceStatus,
  ArgoRevisionMetadata as RevisionMetadata,
} from '@shiplog/plugin-shiplog-node';
import { matchesSelector } from '@shiplog/plugin-shiplog-node';

/** One simulated Argo CD: which environments' applications it manages and how clients log in. */
export interface SimulatedInstance {
  name: string;
  /** Environments whose applications this instance manages; all when omitted. */
  environments?: string[];
  /** A static API token (an Argo CD account token). */
  token?: string;
  /** Local user for `POST /api/v1/session`. */
  username?: string;
  password?: string;
  /** Added before every response, to measure what a slow instance costs. */
  latencyMs?: number;
  /** How long a session token lives. */
  sessionTtlMs?: number;
}

export interface SimulatorOptions {
  repository: GitRepository;
  /** The repository URL applications declare as their source. */
  repoUrl: string;
  instances: SimulatedInstance[];
  /** Environments synced by hand, like production in the seeds' practice. */
  manualEnvironments?: string[];
  /** Components deployed as multi-source apps: a Helm chart from a chart repository plus values from Git. */
  multiSourceComponents?: string[];
  /** How long a sync stays Progressing. */
  progressMs?: number;
  /** How often the repository is checked for new commits; 0 to only check on `refresh()`. */
  pollMs?: number;
  /** Values files are `charts/<component>/values-<environment>.yaml`. */
  valuesPattern?: RegExp;
  /** A version whose pods never become ready, to show a failed sync. */
  failingTag?: RegExp;
}

interface AppState {
  component: string;
  environment: string;
  uid: string;
  createdAt: string;
  generation: number;
  image: string;
  declaredTag: string;
  liveTag: string;
  liveRevision: string;
  syncStatus: 'Synced' | 'OutOfSync';
  health: string;
  healthMessage?: string;
  operationState?: OperationState;
  history: HistoryEntry[];
  reconciledAt: string;
  timer?: NodeJS.Timeout;
}

const CHART_VERSION = '1.4.0';
const CHART_REPO = 'https://charts.acme.example/helm';

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: number) {
    super(message);
  }
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
function project(item: Application, fields: string[][]): unknown {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = pick(item, field);
    if (value !== undefined) assign(out, field, value);
  }
  return out;
}

function hash(text: string, length = 10): string {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0').repeat(2).slice(0, length);
}

/**
 * An Argo CD API simulator whose truth is a GitOps repository: a values file change makes its application
 * OutOfSync; non-manual environments sync themselves (Progressing, then Healthy), manual ones wait for
 * `POST .../sync`. Serves Argo CD's JSON shapes for applications, resource trees, revision metadata,
 * sessions and sync, and counts the requests each instance receives.
 */
export class ArgoCdSimulator {
  private readonly apps = new Map<string, AppState>();
  private readonly sessions = new Map<
    string,
    { instance: string; expires: number }
  >();
  private readonly servers: Server[] = [];
  private head?: string;
  private poller?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  /** Requests per instance and route, e.g. `{ main: { list: 1, 'resource-tree': 3 } }`. */
  readonly requests: Record<string, Record<string, number>> = {};
  /** Clients of `GET /api/v1/stream/applications`. */
  readonly watchers = new ApplicationWatchers();

  constructor(private readonly options: SimulatorOptions) {}

  /** Starts one HTTP server per instance (port 0 picks a free port) and returns their URLs by instance name. */
  async start(
    ports: Record<string, number> = {},
  ): Promise<Record<string, string>> {
    await this.refresh();
    const urls: Record<string, string> = {};
    for (const instance of this.options.instances) {
      const server = createServer((req, res) => {
        this.handle(instance, req, res).catch(error => {
          this.reply(res, 500, {
            error: String(error),
            code: 13,
            message: String(error),
          });
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(ports[instance.name] ?? 0, '127.0.0.1', () => resolve());
      });
      this.servers.push(server);
      urls[instance.name] = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }`;
    }
    if (this.options.pollMs !== 0) {
      this.poller = setInterval(() => {
        this.refresh().catch(() => undefined);
      }, this.options.pollMs ?? 2000);
    }
    return urls;
  }

  async stop(): Promise<void> {
    clearInterval(this.poller);
    for (const app of this.apps.values()) clearTimeout(app.timer);
    this.watchers.closeAll();
    await Promise.all(
      this.servers.map(
        server =>
          new Promise<void>(resolve => {
            server.closeAllConnections?.();
            server.close(() => resolve());
          }),
      ),
    );
  }

  /** Reads the repository's head and reconciles every application against it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reconcile().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reconcile(): Promise<void> {
    const repo = this.options.repository;
    const head = await repo.head();
    if (!head || head === this.head) return;
    const pattern =
      this.options.valuesPattern ??
      /^charts\/([a-z0-9-]+)\/values-([a-z0-9-]+)\.ya?ml$/;
    const now = new Date().toISOString();
    const commit = await repo.commit(head);
    for (const path of await repo.listFiles(head)) {
      const match = pattern.exec(path);
      if (!match) continue;
      const [, component, environment] = match;
      let values:
        | { image?: { repository?: string; tag?: unknown } }
        | undefined;
      try {
        values = parseYaml(await repo.readFile(head, path));
      } catch {
        continue; // Argo would report a ComparisonError; the demo never writes broken YAML.
      }
      const tag = values?.image?.tag;
      if (tag === undefined || tag === null) continue;
      const name = `${component}-${environment}`;
      const existing = this.apps.get(name);
      if (!existing) {
        this.apps.set(name, {
          component,
          environment,
          uid: randomUUID(),
          createdAt: commit?.date ?? now,
          generation: 1,
          image: values?.image?.repository ?? `ghcr.io/acme/${component}`,
          declaredTag: String(tag),
          liveTag: String(tag),
          liveRevision: head,
          syncStatus: 'Synced',
          health: 'Healthy',
          history: [
            {
              id: 0,
              revision: head,
              deployedAt: commit?.date ?? now,
              deployStartedAt: commit?.date ?? now,
              initiatedBy: { automated: true },
            },
          ],
          reconciledAt: now,
        });
        this.changed(name, 'ADDED');
        continue;
      }
      const before = `${existing.declaredTag}|${existing.liveRevision}|${existing.syncStatus}|${existing.generation}`;
      existing.reconciledAt = now;
      existing.declaredTag = String(tag);
      existing.image = values?.image?.repository ?? existing.image;
      const running = existing.operationState?.phase === 'Running';
      if (existing.declaredTag === existing.liveTag) {
        // Same manifests at a new commit: Argo moves the revision and stays Synced.
        if (!running) {
          existing.liveRevision = head;
          existing.syncStatus = 'Synced';
        }
      } else {
        existing.syncStatus = 'OutOfSync';
        existing.generation++;
        if (!this.isManual(existing) && !running) {
          this.startSync(existing, head, { automated: true });
        }
      }
      if (
        before !==
        `${existing.declaredTag}|${existing.liveRevision}|${existing.syncStatus}|${existing.generation}`
      ) {
        this.changed(name, 'MODIFIED');
      }
    }
    this.head = head;
  }

  private isManual(app: AppState): boolean {
    return (this.options.manualEnvironments ?? ['prod']).includes(
      app.environment,
    );
  }

  /** Tells watch streams of the instances managing the application about its change. */
  private changed(name: string, type: WatchEventType) {
    const app = this.apps.get(name);
    if (!app || !this.watchers.open) return;
    for (const instance of this.options.instances) {
      if (
        !instance.environments ||
        instance.environments.includes(app.environment)
      ) {
        this.watchers.publish(
          instance.name,
          type,
          this.toApplication(name, app),
        );
      }
    }
  }

  private isMultiSource(app: AppState): boolean {
    return (this.options.multiSourceComponents ?? []).includes(app.component);
  }

  private revisions(
    app: AppState,
    revision: string,
  ): { revision?: string; revisions?: string[] } {
    return this.isMultiSource(app)
      ? { revisions: [CHART_VERSION, revision] }
      : { revision };
  }

  private startSync(app: AppState, revision: string, initiatedBy: InitiatedBy) {
    const startedAt = new Date().toISOString();
    const targetTag = app.declaredTag;
    // The new Deployment spec is applied when the sync starts, so the live image is the new one while it rolls out.
    app.liveTag = targetTag;
    app.syncStatus = 'OutOfSync';
    app.operationState = {
      operation: { sync: this.revisions(app, revision), initiatedBy },
      phase: 'Running',
      message: `waiting for healthy state of apps/Deployment/${app.component}`,
      startedAt,
    };
    app.health = 'Progressing';
    app.healthMessage = `Waiting for rollout to finish: 1 old replicas are pending termination...`;
    this.changed(this.nameOf(app), 'MODIFIED');
    clearTimeout(app.timer);
    app.timer = setTimeout(() => {
      const finishedAt = new Date().toISOString();
      const failed = this.options.failingTag?.test(targetTag) ?? false;
      app.liveTag = targetTag;
      app.liveRevision = revision;
      app.syncStatus = app.declaredTag === targetTag ? 'Synced' : 'OutOfSync';
      app.health = failed ? 'Degraded' : 'Healthy';
      app.healthMessage = failed
        ? `Deployment "${app.component}" exceeded its progress deadline`
        : undefined;
      app.operationState = {
        ...app.operationState!,
        phase: failed ? 'Failed' : 'Succeeded',
        message: failed
          ? `one or more objects failed to apply, reason: Deployment "${app.component}" exceeded its progress deadline`
          : 'successfully synced (all tasks run)',
        finishedAt,
        syncResult: {
          ...this.revisions(app, revision),
          resources: [
            { kind: 'Deployment', name: app.component, status: 'Synced' },
          ],
        },
      };
      app.history = [
        ...app.history,
        {
          id: app.history.length,
          ...this.revisions(app, revision),
          deployedAt: finishedAt,
          deployStartedAt: startedAt,
          initiatedBy,
        },
      ].slice(-10);
      app.generation++;
      this.changed(this.nameOf(app), 'MODIFIED');
      // A commit that landed during the rollout: automated apps go again, as Argo's self-heal would.
      if (app.syncStatus === 'OutOfSync' && !this.isManual(app) && this.head) {
        this.startSync(app, this.head, { automated: true });
      }
    }, this.options.progressMs ?? 3000);
    app.timer.unref?.();
  }

  private nameOf(app: AppState): string {
    return `${app.component}-${app.environment}`;
  }

  private sources(
    app: AppState,
  ): Pick<Application['spec'], 'source' | 'sources'> {
    const valuesFile = `values-${app.environment}.yaml`;
    if (this.isMultiSource(app)) {
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
          repoURL: this.options.repoUrl,
          targetRevision: 'main',
          ref: 'values',
        },
      ];
      return { sources };
    }
    return {
      source: {
        repoURL: this.options.repoUrl,
        path: `charts/${app.component}`,
        targetRevision: 'main',
        helm: { valueFiles: [valuesFile] },
      },
    };
  }

  /** `status.resources`: the tree's top-level resources; only the Deployment changes with the image. */
  private topResources(app: AppState): ResourceStatus[] {
    return this.resourceTree(app)
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

  private toApplication(name: string, app: AppState): Application {
    const manual = this.isManual(app);
    const multi = this.isMultiSource(app);
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
        ...this.sources(app),
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: `${app.component}-${app.environment}`,
        },
        syncPolicy: manual
          ? {}
          : { automated: { prune: true, selfHeal: true } },
      },
      status: {
        sync: {
          status: app.syncStatus,
          ...this.revisions(app, app.liveRevision),
        },
        health: {
          status: app.health,
          ...(app.healthMessage ? { message: app.healthMessage } : {}),
        },
        history: app.history,
        ...(app.operationState ? { operationState: app.operationState } : {}),
        reconciledAt: app.reconciledAt,
        ...(multi ? { sourceTypes: ['Helm', 'Helm'] } : { sourceType: 'Helm' }),
        resources: this.topResources(app),
        summary: { images: [`${app.image}:${app.liveTag}`] },
      },
    };
  }

  private resourceTree(app: AppState): { nodes: ResourceNode[] } {
    const namespace = `${app.component}-${app.environment}`;
    const deploymentUid = hash(`${app.uid}/deploy`, 12);
    const replicaSet = `${app.component}-${hash(app.liveTag)}`;
    const replicaSetUid = hash(`${app.uid}/${replicaSet}`, 12);
    const image = `${app.image}:${app.liveTag}`;
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
    for (const index of [0, 1]) {
      const unhealthy = app.health !== 'Healthy' && index === 1;
      nodes.push({
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
      });
    }
    return { nodes };
  }

  private authorize(instance: SimulatedInstance, req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(
      req.headers.cookie ?? '',
    )?.[1];
    const token = header.startsWith('Bearer ') ? header.slice(7) : cookie;
    if (token && instance.token && token === instance.token) return;
    const session = token ? this.sessions.get(token) : undefined;
    if (
      session &&
      session.instance === instance.name &&
      session.expires > Date.now()
    )
      return;
    throw new HttpError(
      401,
      token ? 'invalid session: token is expired' : 'no session information',
      16,
    );
  }

  private count(instance: string, route: string) {
    const counts = (this.requests[instance] ??= {});
    counts[route] = (counts[route] ?? 0) + 1;
  }

  private appsOf(instance: SimulatedInstance): Array<[string, AppState]> {
    return [...this.apps.entries()]
      .filter(
        ([, app]) =>
          !instance.environments ||
          instance.environments.includes(app.environment),
      )
      .sort(([a], [b]) => a.localeCompare(b));
  }

  private findApp(
    instance: SimulatedInstance,
    name: string,
    url: URL,
  ): AppState {
    const namespace = url.searchParams.get('appNamespace');
    const app = this.appsOf(instance).find(
      ([appName]) => appName === name,
    )?.[1];
    if (!app || (namespace && namespace !== 'argocd')) {
      throw new HttpError(
        404,
        `applications.argoproj.io "${name}" not found`,
        5,
      );
    }
    return app;
  }

  private async body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, 'request body is not JSON', 3);
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown) {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(
    instance: SimulatedInstance,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '');
    if (instance.latencyMs)
      await new Promise(r => setTimeout(r, instance.latencyMs));
    try {
      if (req.method === 'POST' && path === '/api/v1/session') {
        this.count(instance.name, 'session');
        const { username, password } = await this.body(req);
        if (
          !instance.username ||
          username !== instance.username ||
          password !== instance.password
        ) {
          throw new HttpError(401, 'Invalid username or password', 16);
        }
        const token = randomBytes(24).toString('hex');
        this.sessions.set(token, {
          instance: instance.name,
          expires: Date.now() + (instance.sessionTtlMs ?? 86_400_000),
        });
        this.reply(res, 200, { token });
        return;
      }
      this.authorize(instance, req);
      if (req.method === 'GET' && path === '/api/v1/session/userinfo') {
        this.reply(res, 200, {
          loggedIn: true,
          username: instance.username ?? 'shiplog',
          iss: 'argocd',
        });
        return;
      }
      if (req.method === 'GET' && path === '/api/v1/stream/applications') {
        this.count(instance.name, 'stream');
        this.watchers.watch(
          instance.name,
          req,
          res,
          url,
          this.appsOf(instance).map(([name, app]) =>
            this.toApplication(name, app),
          ),
        );
        return;
      }
      if (req.method === 'GET' && path === '/api/v1/applications') {
        this.count(instance.name, 'list');
        const selector = url.searchParams.get('selector') ?? '';
        const projects = url.searchParams
          .getAll('projects')
          .concat(url.searchParams.getAll('project'));
        const names = url.searchParams.getAll('name');
        const fields = (url.searchParams.get('fields') ?? '')
          .split(',')
          .map(f => f.trim())
          .filter(Boolean);
        const items = this.appsOf(instance)
          .map(([name, app]) => this.toApplication(name, app))
          .filter(
            app =>
              !selector || matchesSelector(selector, app.metadata.labels ?? {}),
          )
          .filter(
            app => !projects.length || projects.includes(app.spec.project),
          )
          .filter(app => !names.length || names.includes(app.metadata.name));
        const itemFields = fields
          .filter(f => f.startsWith('items.'))
          .map(f => f.slice(6).split('.'));
        this.reply(res, 200, {
          metadata: { resourceVersion: String(Date.now()) },
          items: itemFields.length
            ? items.map(item => project(item, itemFields))
            : items,
        });
        return;
      }
      const appRoute =
        /^\/api\/v1\/applications\/([^/]+)(?:\/(resource-tree|sync|revisions\/([^/]+)\/metadata))?$/.exec(
          path,
        );
      if (appRoute) {
        const name = decodeURIComponent(appRoute[1]);
        const app = this.findApp(instance, name, url);
        const action = appRoute[2];
        if (!action && req.method === 'GET') {
          this.count(instance.name, 'get');
          this.reply(res, 200, this.toApplication(name, app));
          return;
        }
        if (action === 'resource-tree' && req.method === 'GET') {
          this.count(instance.name, 'resource-tree');
          this.reply(res, 200, this.resourceTree(app));
          return;
        }
        if (action === 'sync' && req.method === 'POST') {
          this.count(instance.name, 'sync');
          const body = await this.body(req);
          if (app.operationState?.phase === 'Running') {
            throw new HttpError(
              400,
              'another operation is already in progress',
              9,
            );
          }
          const head = this.head ?? app.liveRevision;
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
          this.startSync(app, head, {
            username: instance.username ?? 'shiplog',
          });
          this.reply(res, 200, this.toApplication(name, app));
          return;
        }
        if (appRoute[3] && req.method === 'GET') {
          this.count(instance.name, 'revision-metadata');
          const revision = decodeURIComponent(appRoute[3]);
          if (revision === CHART_VERSION) {
            throw new HttpError(
              400,
              `revision metadata is only available for Git sources, not chart ${CHART_VERSION}`,
              3,
            );
          }
          const commit = await this.options.repository.commit(revision);
          if (!commit)
            throw new HttpError(404, `revision ${revision} not found`, 5);
          const metadata: RevisionMetadata = {
            author: commit.author,
            date: commit.date,
            tags: [],
            message: commit.message,
          };
          this.reply(res, 200, metadata);
          return;
        }
      }
      throw new HttpError(
        404,
        `${req.method} ${path} is not served by the simulator`,
        5,
      );
    } catch (error) {
      if (error instanceof HttpError) {
        this.reply(res, error.status, {
          error: error.message,
          code: error.code,
          message: error.message,
        });
      } else {
        throw error;
      }
    }
  }
}
