import { Knex } from 'knex';
import {
  CommitStore,
  DatabaseCommitStore,
  DatabaseDeploymentStore,
  DatabaseEnvironmentStore,
  DatabaseLedgerEventStore,
  DatabaseReleaseStore,
  DeploymentStore,
  DeployTarget,
  EnvironmentStore,
  LedgerEventStore,
  LedgerStores,
  ListDeploymentsOptions,
  ReleaseStore,
} from './stores';
import type { IngestHook } from './ledger/ingest';
import { LedgerEvent } from './types';

export type { DeploymentCursor, ListDeploymentsOptions } from './stores';
export { pullRequestNumberFromMessage } from './ledger/projectCommits';
export type { IngestHook } from './ledger/ingest';

/**
 * The release ledger in Backstage's database, all its stores in one object: for callers that use
 * several of them (promotions) and for the package's public export. Services that need only some
 * depend on the narrow interfaces in `./stores` instead.
 *
 * @public
 */
export class LedgerStore
  implements
    LedgerEventStore,
    ReleaseStore,
    CommitStore,
    DeploymentStore,
    EnvironmentStore
{
  readonly stores: LedgerStores;
  private readonly eventStore: DatabaseLedgerEventStore;

  constructor(db: Knex) {
    this.eventStore = new DatabaseLedgerEventStore(db);
    this.stores = {
      events: this.eventStore,
      releases: new DatabaseReleaseStore(db),
      commits: new DatabaseCommitStore(db),
      deployments: new DatabaseDeploymentStore(db),
      environments: new DatabaseEnvironmentStore(db),
    };
  }

  /** Work that commits with each batch's new events (the notification outbox) or follows the commit. */
  addIngestHook(hook: IngestHook) {
    this.eventStore.addHook(hook);
  }
  ingest(events: LedgerEvent[], receivedAt?: Date) {
    return this.stores.events.ingest(events, receivedAt);
  }
  ingestReturningIds(events: LedgerEvent[], receivedAt?: Date) {
    return this.stores.events.ingestReturningIds(events, receivedAt);
  }
  getEnvironmentStates(entityRef: string) {
    return this.stores.environments.getEnvironmentStates(entityRef);
  }
  getReleases(entityRef: string, versions: string[]) {
    return this.stores.releases.getReleases(entityRef, versions);
  }
  listReleases(
    entityRef: string,
    options: { limit: number; beforeKey?: string },
  ) {
    return this.stores.releases.listReleases(entityRef, options);
  }
  listReleasesBetween(entityRef: string, fromKey: string, toKey: string) {
    return this.stores.releases.listReleasesBetween(entityRef, fromKey, toKey);
  }
  countReleasesBetween(entityRef: string, fromKey: string, toKey: string) {
    return this.stores.releases.countReleasesBetween(entityRef, fromKey, toKey);
  }
  getCommitPositions(entityRef: string, shas: string[]) {
    return this.stores.commits.getCommitPositions(entityRef, shas);
  }
  countCommitsBetween(entityRef: string, after: number, upTo?: number) {
    return this.stores.commits.countCommitsBetween(entityRef, after, upTo);
  }
  listCommitsBetween(
    entityRef: string,
    after: number,
    upTo: number | undefined,
    limit: number,
  ) {
    return this.stores.commits.listCommitsBetween(
      entityRef,
      after,
      upTo,
      limit,
    );
  }
  listDeployments(entityRef: string, options: ListDeploymentsOptions) {
    return this.stores.deployments.listDeployments(entityRef, options);
  }
  latestDeploymentsOfVersions(entityRef: string, versions: string[]) {
    return this.stores.deployments.latestDeploymentsOfVersions(
      entityRef,
      versions,
    );
  }
  hasSucceededIn(entityRef: string, environment: string, version: string) {
    return this.stores.deployments.hasSucceededIn(
      entityRef,
      environment,
      version,
    );
  }
  deployEventsSince(target: DeployTarget, since: number) {
    return this.stores.deployments.deployEventsSince(target, since);
  }
  recentDeploySuccesses(
    receivedSince: number,
    occurredSince: number,
    limit?: number,
  ) {
    return this.stores.deployments.recentDeploySuccesses(
      receivedSince,
      occurredSince,
      limit,
    );
  }
}
