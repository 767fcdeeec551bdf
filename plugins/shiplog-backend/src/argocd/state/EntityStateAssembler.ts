import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ArgoCdApplicationState,
  ArgoCdInstanceStatus,
  ArgoCdStateResponse,
  EnvironmentConfig,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { ArgoCdClient } from '../client/ArgoCdClient';
import { ArgoCdConfig } from '../config';
import { ArgoSnapshot } from '../polling/ArgoSnapshotStore';
import { readDeclaredValues } from './declaredValues';
import { GitOpsValuesReader } from '../values/GitOpsValuesReader';
import { ApplicationDetails } from './ApplicationDetails';
import { belongsToEntity, describeApplication } from './applicationState';
import { ClaimantsLookup } from './claimants';
import { settle, withinBudget } from '../budget';
import { type DetailOutcome, RecentDetails } from './RecentDetails';

export interface EntityStateAssemblerOptions {
  config: ArgoCdConfig;
  environments: EnvironmentConfig[];
  clients: Map<string, ArgoCdClient>;
  values: GitOpsValuesReader;
  budgetMs: number;
  /** Who else claims an application; without it, nobody (tests without a catalog). */
  claimants?: ClaimantsLookup;
  /**
   * Told when an application's fresh details arrived after a view was answered with its last ones
   * (the entities claiming it are signalled, and their open tabs fetch again).
   */
  onLateDetails?: (instance: string, app: ArgoApplication) => void;
}

/** An answer, and whether a part of it was still missing (a pending instance, a tree still loading). */
export interface AssembledState {
  response: ArgoCdStateResponse;
  complete: boolean;
}

function instanceStatus(
  snapshot?: ArgoSnapshot,
): ArgoCdInstanceStatus['status'] {
  if (!snapshot) return 'pending';
  return snapshot.error ? 'error' : 'ok';
}

/**
 * Builds an entity's live Argo CD state from the instances' snapshots: its applications (matched by
 * annotation), each with its resources, synced revision and what Git declares, and each instance's status.
 * Every part that comes from upstream waits at most the page budget.
 */
export class EntityStateAssembler {
  private readonly details: ApplicationDetails;
  private readonly recent = {
    resources: new RecentDetails<ArgoCdApplicationState['resources']>(),
    revisions: new RecentDetails<ArgoCdApplicationState['revisionMetadata']>(),
  };
  /** Fresh details already announced: one signal per fetch, however many views waited on it. */
  private readonly announced = new WeakSet<Promise<unknown>>();

  constructor(private readonly options: EntityStateAssemblerOptions) {
    this.details = new ApplicationDetails(options.config.refreshIntervalMs);
  }

  /** `budgetMs`: how long each upstream part may take (the page's budget unless a caller needs all of it). */
  async assemble(
    entity: Entity,
    instanceNames: string[],
    snapshots: Map<string, ArgoSnapshot>,
    budgetMs: number = this.options.budgetMs,
  ): Promise<AssembledState> {
    const instances: ArgoCdInstanceStatus[] = [];
    const found: Array<{ client: ArgoCdClient; app: ArgoApplication }> = [];
    for (const name of instanceNames) {
      const snapshot = snapshots.get(name);
      const client = this.options.clients.get(name)!;
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
    const described = await Promise.all(
      found.map(({ client, app }) =>
        this.describe(
          client,
          app,
          entity,
          failing.has(client.instance.name),
          budgetMs,
        ),
      ),
    );
    const applications = described.map(({ state }) => state);
    applications.sort(
      (a, b) =>
        this.environmentIndex(a.environment) -
          this.environmentIndex(b.environment) || a.name.localeCompare(b.name),
    );
    const complete =
      !instances.some(i => i.status === 'pending') &&
      !described.some(({ late }) => late);
    return { response: { applications, instances }, complete };
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
    budgetMs: number,
  ): Promise<{ state: ArgoCdApplicationState; late: boolean }> {
    const { config, environments, values } = this.options;
    const state = describeApplication(
      app,
      client.instance,
      entity,
      config,
      environments,
    );
    const key = `${client.instance.name}\0${app.metadata.namespace}\0${app.metadata.name}`;
    // A page view may show an application's last details while fresh ones load; a sync waits for them.
    const serveRecent = budgetMs <= this.options.budgetMs;
    const declaredRead = readDeclaredValues(
      values,
      app,
      entity,
      state.environment,
    );
    const [resources, revisionMetadata, declared] = await Promise.all([
      instanceFailing
        ? settle<ArgoCdApplicationState['resources']>(
            Promise.reject(
              new Error(`instance ${client.instance.name} is not answering`),
            ),
          )
        : this.recent.resources.get(key, this.details.resources(client, app), {
            budgetMs,
            serveRecent,
          }),
      instanceFailing
        ? settle(Promise.resolve(undefined))
        : this.recent.revisions.get(
            key,
            this.details.revisionMetadata(client, app),
            { budgetMs, serveRecent },
          ),
      // What Git declares is read per refresh interval, not per sync: a view always waits for it.
      settle(withinBudget(declaredRead, budgetMs, 'the GitOps repository')),
    ]);
    // A values file that arrives after the budget is announced like late details, so the tab fetches it.
    const stale = this.announceFresh(client.instance.name, app, [
      resources,
      revisionMetadata,
      declared.late ? { fresh: declaredRead } : {},
    ]);
    // Not within the budget: a sync must never go ahead on an application another entity claims too.
    const claimants =
      (await this.options.claimants?.(app, client.instance.name)) ?? [];
    const self = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const others = claimants.filter(ref => ref !== self);
    if (others.length) state.otherClaimants = others;
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
    // An answer with a part missing, or with an application's last details, is not kept.
    const late = Boolean(
      stale || resources.late || revisionMetadata.late || declared.late,
    );
    return { state, late };
  }

  /** Whether any detail is the last one shown; once the fresh ones are in, `onLateDetails` is told. */
  private announceFresh(
    instance: string,
    app: ArgoApplication,
    outcomes: Array<DetailOutcome<unknown>>,
  ): boolean {
    const pending = outcomes.flatMap(o => (o.fresh ? [o.fresh] : []));
    const unannounced = pending.filter(p => !this.announced.has(p));
    unannounced.forEach(p => this.announced.add(p));
    if (unannounced.length) {
      Promise.all(unannounced)
        .then(() => this.options.onLateDetails?.(instance, app))
        .catch(() => undefined);
    }
    return pending.length > 0;
  }
}
