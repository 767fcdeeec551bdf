import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  ArgoCdInstanceStatus,
  ArgoCdStateResponse,
  ArgoCdSyncRequest,
  EnvironmentConfig,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { resolveValuesPath } from '@shiplog/plugin-shiplog-node';
import { ArgoCdClient, APPLICATION_LIST_FIELDS } from './ArgoCdClient';
import { ArgoSnapshot, ArgoSnapshotStore } from './ArgoSnapshotStore';
import {
  belongsToEntity,
  describeApplication,
  revisionsOf,
  sourcesOf,
  summarizeResources,
} from './applicationState';
import { ArgoCdConfig } from './config';
import { GitOpsValuesReader } from './GitOpsValuesReader';
import { TtlCache } from '../cache/TtlCache';

export interface ArgoCdServiceOptions {
  config: ArgoCdConfig;
  environments: EnvironmentConfig[];
  store: ArgoSnapshotStore;
  clients: ArgoCdClient[];
  values: GitOpsValuesReader;
  logger: LoggerService;
  /** How long a page waits on Argo CD (default 1.5 s) before answering with what it has. */
  pageBudgetMs?: number;
  /** Told about every instance's fresh application list, to feed the ledger. */
  onApplications?: (
    instance: string,
    applications: ArgoApplication[],
  ) => Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * How long a page waits on Argo CD before answering with what it has; a slow call keeps running and fills
 * the cache for the next view.
 */
const PAGE_BUDGET_MS = 1500;

function withinBudget<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `still waiting for Argo CD after ${ms} ms; shown on the next refresh`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function instanceStatus(
  snapshot?: ArgoSnapshot,
): ArgoCdInstanceStatus['status'] {
  if (!snapshot) return 'pending';
  return snapshot.error ? 'error' : 'ok';
}

/** A result or its error message, so one failing part leaves the rest of the state intact. */
async function settle<T>(
  promise: Promise<T>,
): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: message(error) };
  }
}

/**
 * Live Argo CD state for the Deployments tab.
 *
 * Upstream load does not grow with viewers: application lists come from snapshots that one poller writes
 * per refresh interval; resource trees and values files are shared per interval; revision metadata is
 * fetched once per revision. Instances are asked in parallel, and one down or slow instance becomes an
 * error beside the others' data.
 */
export class ArgoCdService {
  private readonly trees = new TtlCache<ArgoCdApplicationState['resources']>(0);
  private readonly revisions = new TtlCache<
    ArgoCdApplicationState['revisionMetadata']
  >(Infinity, 20_000);
  private readonly polls = new Map<string, Promise<void>>();
  /** Whole answers per entity and snapshot generation: concurrent views of one page share one computation. */
  private readonly responses: TtlCache<ArgoCdStateResponse>;
  private readonly incomplete = new WeakSet<ArgoCdStateResponse>();
  private readonly clients: Map<string, ArgoCdClient>;

  constructor(private readonly options: ArgoCdServiceOptions) {
    this.trees = new TtlCache(options.config.refreshIntervalMs);
    this.responses = new TtlCache(options.config.refreshIntervalMs, 2000);
    this.clients = new Map(options.clients.map(c => [c.instance.name, c]));
  }

  private get budgetMs(): number {
    return this.options.pageBudgetMs ?? PAGE_BUDGET_MS;
  }

  get enabled(): boolean {
    return this.clients.size > 0;
  }

  /** Lists every instance's applications once (the scheduled task calls this on one replica). */
  async pollAll(): Promise<void> {
    await Promise.all([...this.clients.keys()].map(name => this.poll(name)));
  }

  /** One list call for one instance; concurrent callers on this replica share it. */
  poll(instance: string): Promise<void> {
    const running = this.polls.get(instance);
    if (running) return running;
    const client = this.clients.get(instance)!;
    const started = Date.now();
    const polled = client
      .listApplications({ fields: APPLICATION_LIST_FIELDS })
      .then(
        async applications => {
          await this.options.store.saveApplications(
            instance,
            applications,
            started,
          );
          await this.options.onApplications?.(instance, applications);
        },
        async error => {
          this.options.logger.warn(
            `Argo CD instance ${instance} could not be listed: ${message(
              error,
            )}`,
          );
          await this.options.store.saveError(instance, message(error), started);
        },
      )
      .finally(() => this.polls.delete(instance));
    this.polls.set(instance, polled);
    return polled;
  }

  /**
   * Snapshots of the instances the entity may use. An instance never polled, or whose poller stopped
   * (nothing written for three intervals), is polled here once, so a page never waits on a dead scheduler.
   */
  private async snapshots(
    instances: string[],
  ): Promise<Map<string, ArgoSnapshot>> {
    let snapshots = await this.options.store.read();
    const stale = instances.filter(name => {
      const snapshot = snapshots.get(name);
      return (
        !snapshot ||
        Date.now() - snapshot.attemptedAt >
          3 * this.options.config.refreshIntervalMs
      );
    });
    if (stale.length) {
      // A hanging instance must not hold the page: it shows as pending, the others' data is served.
      await withinBudget(
        Promise.all(stale.map(name => this.poll(name))),
        this.budgetMs,
      ).catch(() => undefined);
      snapshots = await this.options.store.read();
    }
    return snapshots;
  }

  private instancesFor(entity: Entity): string[] {
    const wanted =
      entity.metadata.annotations?.[ARGOCD_ANNOTATIONS.instanceName];
    if (!wanted) return [...this.clients.keys()];
    if (!this.clients.has(wanted)) {
      throw new InputError(
        `argocd/instance-name "${wanted}" is not one of shiplog.argocd.instances (${[
          ...this.clients.keys(),
        ].join(', ')})`,
      );
    }
    return [wanted];
  }

  async getEntityState(entity: Entity): Promise<ArgoCdStateResponse> {
    const instanceNames = this.instancesFor(entity);
    const snapshots = await this.snapshots(instanceNames);
    const key = JSON.stringify([
      entity.metadata.namespace,
      entity.metadata.name,
      entity.metadata.annotations ?? {},
      instanceNames.map(name => snapshots.get(name)?.generation ?? 0),
    ]);
    const response = await this.responses.get(key, () =>
      this.computeEntityState(entity, instanceNames, snapshots),
    );
    // An answer given before a slow part arrived is not kept: the next view gets the completed one.
    if (this.incomplete.has(response)) this.responses.delete(key);
    return response;
  }

  private async computeEntityState(
    entity: Entity,
    instanceNames: string[],
    snapshots: Map<string, ArgoSnapshot>,
  ): Promise<ArgoCdStateResponse> {
    const instances: ArgoCdInstanceStatus[] = [];
    const found: Array<{ client: ArgoCdClient; app: ArgoApplication }> = [];
    for (const name of instanceNames) {
      const snapshot = snapshots.get(name);
      const client = this.clients.get(name)!;
      instances.push({
        name,
        status: instanceStatus(snapshot),
        error: snapshot?.error,
        fetchedAt: snapshot?.fetchedAt
          ? new Date(snapshot.fetchedAt).toISOString()
          : undefined,
      });
      for (const app of snapshot?.applications ?? []) {
        if (belongsToEntity(app, entity)) found.push({ client, app });
      }
    }
    const failing = new Set(
      instances.filter(i => i.status === 'error').map(i => i.name),
    );
    const applications = await Promise.all(
      found.map(({ client, app }) =>
        this.describe(client, app, entity, failing.has(client.instance.name)),
      ),
    );
    applications.sort(
      (a, b) =>
        this.environmentIndex(a.environment) -
          this.environmentIndex(b.environment) || a.name.localeCompare(b.name),
    );
    const response = { applications, instances };
    if (
      instances.some(i => i.status === 'pending') ||
      applications.some(a => a.resourcesError?.startsWith('still waiting'))
    ) {
      this.incomplete.add(response);
    }
    return response;
  }

  private environmentIndex(name?: string): number {
    const index = this.options.environments.findIndex(env => env.name === name);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  }

  private async describe(
    client: ArgoCdClient,
    app: ArgoApplication,
    entity: Entity,
    instanceFailing: boolean,
  ): Promise<ArgoCdApplicationState> {
    const state = describeApplication(
      app,
      client.instance,
      entity,
      this.options.config,
      this.options.environments,
    );
    const treeKey = `${client.instance.name}\0${app.metadata.namespace}\0${app.metadata.name}\0${app.metadata.resourceVersion}`;
    const [resources, revisionMetadata, declared] = await Promise.all([
      settle(
        instanceFailing
          ? Promise.reject(
              new Error(`instance ${client.instance.name} is not answering`),
            )
          : withinBudget(
              this.trees.get(treeKey, async () =>
                summarizeResources(
                  (
                    await client.getResourceTree(
                      app.metadata.name,
                      app.metadata.namespace,
                    )
                  ).nodes ?? [],
                ),
              ),
              this.budgetMs,
            ),
      ),
      settle(
        instanceFailing
          ? Promise.resolve(undefined)
          : withinBudget(this.revisionMetadata(client, app), this.budgetMs),
      ),
      settle(
        withinBudget(
          this.declared(app, entity, state.environment),
          this.budgetMs,
        ),
      ),
    ]);
    if (!resources.error) state.resources = resources.value;
    else state.resourcesError = resources.error;
    if (revisionMetadata.value) state.revisionMetadata = revisionMetadata.value;
    if (declared.value) {
      state.declared = declared.value;
      const tag = declared.value.tag;
      if (tag && state.version) {
        state.gitDrift = tag === state.version ? 'in-sync' : 'drifted';
      }
    }
    return state;
  }

  /** Metadata of the synced Git revision (multi-source: the first source that is Git, not a chart). */
  private async revisionMetadata(
    client: ArgoCdClient,
    app: ArgoApplication,
  ): Promise<ArgoCdApplicationState['revisionMetadata']> {
    const sources = sourcesOf(app);
    const revisions = revisionsOf(app.status?.sync);
    const index = sources.findIndex(source => !source.chart);
    const revision = revisions[index < 0 ? 0 : index];
    if (!revision || index < 0) return undefined;
    const multi = (app.spec.sources?.length ?? 0) > 0;
    return this.revisions.get(
      `${client.instance.name}\0${app.metadata.namespace}\0${app.metadata.name}\0${revision}`,
      async () => {
        const metadata = await client.getRevisionMetadata(
          app.metadata.name,
          revision,
          {
            appNamespace: app.metadata.namespace,
            sourceIndex: multi ? index : undefined,
          },
        );
        return {
          revision,
          author: metadata.author,
          date: metadata.date,
          message: metadata.message,
        };
      },
    );
  }

  /** The values file's tag at the app's target branch: what Git declares should run. */
  private async declared(
    app: ArgoApplication,
    entity: Entity,
    environment: string | undefined,
  ): Promise<ArgoCdApplicationState['declared']> {
    const annotations = entity.metadata.annotations ?? {};
    const repository = annotations[SHIPLOG_ANNOTATIONS.gitopsRepo];
    const template = annotations[SHIPLOG_ANNOTATIONS.valuesPath];
    if (!repository || !template || !environment) return undefined;
    const path = resolveValuesPath(template, {
      environment,
      component: entity.metadata.name,
    });
    const normalize = (url: string) =>
      url.replace(/\.git$/, '').replace(/\/+$/, '');
    const source =
      sourcesOf(app).find(
        s => normalize(s.repoURL) === normalize(repository),
      ) ?? sourcesOf(app).find(s => !s.chart);
    const ref =
      !source?.targetRevision || source.targetRevision === 'HEAD'
        ? 'HEAD'
        : source.targetRevision;
    try {
      const tag = await this.options.values.readTag(
        repository,
        ref,
        path,
        annotations[SHIPLOG_ANNOTATIONS.imageTagPath] || 'image.tag',
      );
      return { repository, path, tag };
    } catch (error) {
      return { repository, path, error: message(error) };
    }
  }

  /**
   * Starts a sync of one of the entity's applications where sync is manual, after `record` has written
   * the start to the ledger. Returns the app's state as it was before the sync.
   */
  async sync(
    entity: Entity,
    request: ArgoCdSyncRequest,
    record?: (
      target: ArgoCdApplicationState,
      outcome: 'started' | 'cancelled',
    ) => Promise<void>,
  ): Promise<ArgoCdApplicationState> {
    const { applications } = await this.getEntityState(entity);
    const target = applications.find(
      app =>
        app.name === request.application &&
        (!request.instance || app.instance === request.instance) &&
        (!request.appNamespace || app.namespace === request.appNamespace),
    );
    if (!target) {
      throw new NotFoundError(
        `${request.application} is not one of this entity's Argo CD applications`,
      );
    }
    if (!target.manualSync) {
      throw new ConflictError(
        `${target.name} syncs automatically (environment ${
          target.environment ?? 'unknown'
        }); Argo CD applies changes on its own`,
      );
    }
    if (target.operation?.phase === 'Running') {
      throw new ConflictError(
        `${target.name} is already syncing (started ${target.operation.startedAt}); wait for it to finish`,
      );
    }
    const client = this.clients.get(target.instance)!;
    // Recorded before Argo CD starts, so the operation Argo reports joins this deployment rather than
    // racing it; withdrawn (cancelled) if Argo CD refuses.
    await record?.(target, 'started');
    try {
      await client.sync(target.name, target.namespace);
    } catch (error) {
      await record?.(target, 'cancelled');
      throw error;
    }
    // Refresh now rather than at the next interval, so the page shows the sync starting.
    this.poll(target.instance).catch(() => undefined);
    return target;
  }
}
