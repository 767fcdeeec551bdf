import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  ArgoCdStateResponse,
  ArgoCdSyncRequest,
  EnvironmentConfig,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { TtlCache } from '../cache/TtlCache';
import { LedgerEvent } from '../database/types';
import { ArgoCdClient, ArgoCdRequestError } from './client/ArgoCdClient';
import { ArgoCdConfig } from './config';
import { ArgoPoller } from './polling/ArgoPoller';
import { ArgoSnapshotStore } from './polling/ArgoSnapshotStore';
import { PAGE_BUDGET_MS } from './budget';

/** How long a sync waits for the application's state, Git's declared version included (it records it). */
const SYNC_STATE_BUDGET_MS = 30_000;
import { ClaimantsLookup } from './state/claimants';
import { EntityStateAssembler } from './state/EntityStateAssembler';
import { SyncLocks } from './SyncLocks';
import { createSyncEvents, SyncRequester } from './syncEvents';
import { GitOpsValuesReader } from './values/GitOpsValuesReader';
import { ArgoApplicationWatch } from './watch/ArgoApplicationWatch';

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
  /** Told which applications the watch stream saw change, to signal the entities claiming them. */
  onChanged?: (instance: string, changed: ArgoApplication[]) => Promise<void>;
  /** Records a manual sync's deploy events in the ledger. */
  ingest?: (events: LedgerEvent[]) => Promise<unknown>;
  /** Which entities claim an application; a sync of one claimed twice is refused. */
  claimants?: ClaimantsLookup;
  /** One manual sync per application across replicas; without it, only Argo CD's own check. */
  syncLocks?: SyncLocks;
}

/**
 * Live Argo CD state for the Deployments tab, and manual syncs.
 *
 * Upstream load does not grow with viewers: application lists come from snapshots that one poller writes
 * per refresh interval (`polling/`); resource trees and values files are shared per interval and revision
 * metadata is fetched once per revision (`state/`, `values/`). Instances are asked in parallel, and one
 * down or slow instance becomes an error beside the others' data.
 */
export class ArgoCdService {
  readonly poller: ArgoPoller;
  /** Follows the instances' watch streams; undefined when `shiplog.argocd.watch` is false. */
  readonly watch?: ArgoApplicationWatch;
  /** Whole answers per entity and snapshot generation: concurrent views of one page share one computation. */
  private readonly responses: TtlCache<ArgoCdStateResponse>;
  private readonly incomplete = new WeakSet<ArgoCdStateResponse>();
  private readonly clients: Map<string, ArgoCdClient>;
  private readonly assembler: EntityStateAssembler;

  constructor(private readonly options: ArgoCdServiceOptions) {
    const { config } = options;
    this.clients = new Map(options.clients.map(c => [c.instance.name, c]));
    this.responses = new TtlCache(config.refreshIntervalMs, 2000);
    const watching = config.watch ?? false;
    this.poller = new ArgoPoller({
      clients: this.clients,
      store: options.store,
      logger: options.logger,
      refreshIntervalMs: config.refreshIntervalMs,
      safetyNetPollMs: watching
        ? config.safetyNetPollMs ?? 5 * 60_000
        : undefined,
      onApplications: options.onApplications,
    });
    this.watch = watching
      ? new ArgoApplicationWatch({
          clients: this.clients,
          store: options.store,
          logger: options.logger,
          refreshIntervalMs: config.refreshIntervalMs,
          onApplications: options.onApplications,
          onChanged: options.onChanged,
        })
      : undefined;
    this.assembler = new EntityStateAssembler({
      config,
      environments: options.environments,
      clients: this.clients,
      values: options.values,
      budgetMs: this.budgetMs,
      claimants: options.claimants,
      // After a change, a view shows an application's last details at once; the fresh ones follow.
      onLateDetails: (instance, app) => {
        options.onChanged?.(instance, [app]).catch(() => undefined);
      },
    });
  }

  private get budgetMs(): number {
    return (
      this.options.pageBudgetMs ??
      this.options.config.pageBudgetMs ??
      PAGE_BUDGET_MS
    );
  }

  get enabled(): boolean {
    return this.clients.size > 0;
  }

  /** Lists every instance's applications once (the scheduled task calls this on one replica). */
  pollAll(): Promise<void> {
    return this.poller.pollAll();
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

  /** The entity's applications on the instances it may use, and each instance's status. */
  async getEntityState(entity: Entity): Promise<ArgoCdStateResponse> {
    return this.entityState(entity, this.budgetMs);
  }

  /** The state within `budgetMs`, shared with other views while it is complete. */
  private async entityState(
    entity: Entity,
    budgetMs: number,
  ): Promise<ArgoCdStateResponse> {
    const instanceNames = this.instancesFor(entity);
    const snapshots = await this.poller.snapshots(instanceNames, budgetMs);
    const key = JSON.stringify([
      entity.metadata.namespace,
      entity.metadata.name,
      entity.metadata.annotations ?? {},
      instanceNames.map(name => snapshots.get(name)?.generation ?? 0),
    ]);
    const response = await this.responses.get(key, async () => {
      const assembled = await this.assembler.assemble(
        entity,
        instanceNames,
        snapshots,
        budgetMs,
      );
      if (!assembled.complete) this.incomplete.add(assembled.response);
      return assembled.response;
    });
    // An answer given before a slow part arrived is not kept: the next view gets the completed one.
    if (this.incomplete.has(response)) this.responses.delete(key);
    return response;
  }

  /**
   * Starts a sync of one of the entity's applications where sync is manual. With a requester, the start
   * is written to the ledger first (and withdrawn as cancelled if Argo CD refuses). Returns the app's
   * state as it was before the sync.
   */
  async sync(
    entity: Entity,
    request: ArgoCdSyncRequest,
    requester?: SyncRequester,
  ): Promise<ArgoCdApplicationState> {
    const target = await this.syncTarget(entity, request);
    const client = this.clients.get(target.instance)!;
    const syncEvent = requester && createSyncEvents(requester);
    const record = async (outcome: 'started' | 'cancelled') => {
      const event = syncEvent?.(target, outcome);
      if (event) await this.options.ingest?.([event]);
    };
    const release = await this.options.syncLocks?.acquire(
      `${target.instance}/${target.namespace}/${target.name}`,
      requester?.actor ?? 'a service',
    );
    // Recorded before Argo CD starts, so the operation Argo reports joins this deployment rather than
    // racing it. A refused sync withdraws only its own record (the lock keeps a second one from sharing it).
    await record('started');
    try {
      await client.sync(target.name, target.namespace);
    } catch (error) {
      await record('cancelled');
      await release?.();
      throw asSyncFailure(error, target.name);
    }
    // Refresh now rather than at the next interval, so the page shows the sync starting.
    this.poller.poll(target.instance).catch(() => undefined);
    return target;
  }

  /** The application a sync request names, if it is the entity's and may be synced by hand now. */
  private async syncTarget(
    entity: Entity,
    request: ArgoCdSyncRequest,
  ): Promise<ArgoCdApplicationState> {
    // A sync records the version Git declares: it waits for the whole state, not the page's budget. A view
    // loading at the same moment may hand over an answer missing a part; then it asks again.
    let state = await this.entityState(entity, SYNC_STATE_BUDGET_MS);
    if (this.incomplete.has(state)) {
      state = await this.entityState(entity, SYNC_STATE_BUDGET_MS);
    }
    const { applications } = state;
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
    if (target.otherClaimants?.length) {
      throw new ConflictError(
        `${
          target.name
        } is claimed by other entities too (${target.otherClaimants.join(
          ', ',
        )}); nobody may sync it through Shiplog until its Application names its one owner with the ${
          SHIPLOG_ANNOTATIONS.entityRef
        } annotation`,
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
    return target;
  }
}

/** Argo CD's "another operation is already in progress" is a conflict; its other failures stay upstream errors (502). */
function asSyncFailure(error: unknown, name: string): unknown {
  if (
    error instanceof ArgoCdRequestError &&
    /another operation is already in progress/i.test(error.message)
  ) {
    return new ConflictError(
      `${name} is already syncing in Argo CD ${error.instance}; wait for it to finish`,
    );
  }
  return error;
}
