import { randomUUID } from 'crypto';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { parse as parseYaml } from 'yaml';
import type { ArgoInitiatedBy as InitiatedBy } from '@shiplog/plugin-shiplog-node';
import { toApplication } from './applications';
import { reply } from './http';
import {
  AppState,
  isManual,
  manages,
  nameOf,
  revisions,
  SimulatedInstance,
  SimulatorOptions,
} from './model';
import { handleRequest, SimulatedCluster } from './routes';
import { Sessions } from './sessions';
import { ApplicationWatchers, WatchEventType } from './watchStream';

export type { SimulatedInstance, SimulatorOptions } from './model';

/**
 * An Argo CD API simulator whose truth is a GitOps repository: a values file change makes its application
 * OutOfSync; non-manual environments sync themselves (Progressing, then Healthy), manual ones wait for
 * `POST .../sync`. Serves Argo CD's JSON shapes for applications, resource trees, revision metadata,
 * sessions and sync, and counts the requests each instance receives.
 */
export class ArgoCdSimulator {
  private readonly apps = new Map<string, AppState>();
  private readonly servers: Server[] = [];
  private head?: string;
  private poller?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  /** Rollouts whose end is held back by `holdRollouts()`, finished when it is released. */
  private heldRollouts?: Array<() => void>;
  /** Requests per instance and route, e.g. `{ main: { list: 1, 'resource-tree': 3 } }`. */
  readonly requests: Record<string, Record<string, number>> = {};
  /** Clients of `GET /api/v1/stream/applications`. */
  readonly watchers = new ApplicationWatchers();
  /** What the HTTP routes see of the simulator. */
  private readonly cluster: SimulatedCluster;

  constructor(private readonly options: SimulatorOptions) {
    this.cluster = {
      options,
      sessions: new Sessions(),
      watchers: this.watchers,
      head: () => this.head,
      appsOf: instance => this.appsOf(instance),
      count: (instance, route) => this.count(instance, route),
      startSync: (app, revision, initiatedBy) =>
        this.startSync(app, revision, initiatedBy),
    };
  }

  /** Starts one HTTP server per instance (port 0 picks a free port) and returns their URLs by instance name. */
  async start(
    ports: Record<string, number> = {},
  ): Promise<Record<string, string>> {
    await this.refresh();
    const urls: Record<string, string> = {};
    for (const instance of this.options.instances) {
      const server = createServer((req, res) => {
        handleRequest(this.cluster, instance, req, res).catch(error => {
          reply(res, 500, {
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

  /**
   * Keeps every rollout that reaches its end Progressing until the returned function is called, so a
   * test can look at a running sync however slow the machine is; releasing finishes the held rollouts.
   */
  holdRollouts(): () => void {
    this.heldRollouts ??= [];
    return () => {
      const held = this.heldRollouts ?? [];
      this.heldRollouts = undefined;
      for (const finish of held) finish();
    };
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
          ...newApp(component, environment, head, commit?.date ?? now),
          image: values?.image?.repository ?? `ghcr.io/acme/${component}`,
          declaredTag: String(tag),
          liveTag: String(tag),
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
        if (!isManual(this.options, existing) && !running) {
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

  /** Tells watch streams of the instances managing the application about its change. */
  private changed(name: string, type: WatchEventType) {
    const app = this.apps.get(name);
    if (!app || !this.watchers.open) return;
    for (const instance of this.options.instances) {
      if (manages(instance, app.environment)) {
        this.watchers.publish(
          instance.name,
          type,
          toApplication(this.options, name, app),
        );
      }
    }
  }

  private startSync(app: AppState, revision: string, initiatedBy: InitiatedBy) {
    const startedAt = new Date().toISOString();
    const targetTag = app.declaredTag;
    // The new Deployment spec is applied when the sync starts, so the live image is the new one while it rolls out.
    app.liveTag = targetTag;
    app.syncStatus = 'OutOfSync';
    app.operationState = {
      operation: { sync: revisions(this.options, app, revision), initiatedBy },
      phase: 'Running',
      message: `waiting for healthy state of apps/Deployment/${app.component}`,
      startedAt,
    };
    app.health = 'Progressing';
    app.healthMessage = `Waiting for rollout to finish: 1 old replicas are pending termination...`;
    this.changed(nameOf(app), 'MODIFIED');
    clearTimeout(app.timer);
    const finish = () =>
      this.finishSync(app, revision, { targetTag, startedAt, initiatedBy });
    app.timer = setTimeout(() => {
      if (this.heldRollouts) this.heldRollouts.push(finish);
      else finish();
    }, this.options.progressMs ?? 3000);
    app.timer.unref?.();
  }

  /** The rollout's end: Healthy, or Degraded for a failing tag; an automated app syncs again if Git moved on. */
  private finishSync(
    app: AppState,
    revision: string,
    sync: { targetTag: string; startedAt: string; initiatedBy: InitiatedBy },
  ) {
    const { targetTag, startedAt, initiatedBy } = sync;
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
        ...revisions(this.options, app, revision),
        resources: [
          { kind: 'Deployment', name: app.component, status: 'Synced' },
        ],
      },
    };
    app.history = [
      ...app.history,
      {
        id: app.history.length,
        ...revisions(this.options, app, revision),
        deployedAt: finishedAt,
        deployStartedAt: startedAt,
        initiatedBy,
      },
    ].slice(-10);
    app.generation++;
    this.changed(nameOf(app), 'MODIFIED');
    // A commit that landed during the rollout: automated apps go again, as Argo's self-heal would.
    if (
      app.syncStatus === 'OutOfSync' &&
      !isManual(this.options, app) &&
      this.head
    ) {
      this.startSync(app, this.head, { automated: true });
    }
  }

  private count(instance: string, route: string) {
    const counts = (this.requests[instance] ??= {});
    counts[route] = (counts[route] ?? 0) + 1;
  }

  private appsOf(instance: SimulatedInstance): Array<[string, AppState]> {
    return [...this.apps.entries()]
      .filter(([, app]) => manages(instance, app.environment))
      .sort(([a], [b]) => a.localeCompare(b));
  }
}

/** A newly seen application: synced and healthy at the commit that declared it. */
function newApp(
  component: string,
  environment: string,
  head: string,
  createdAt: string,
): Omit<AppState, 'image' | 'declaredTag' | 'liveTag' | 'reconciledAt'> {
  return {
    component,
    environment,
    uid: randomUUID(),
    createdAt,
    generation: 1,
    liveRevision: head,
    syncStatus: 'Synced',
    health: 'Healthy',
    history: [
      {
        id: 0,
        revision: head,
        deployedAt: createdAt,
        deployStartedAt: createdAt,
        initiatedBy: { automated: true },
      },
    ],
  };
}
