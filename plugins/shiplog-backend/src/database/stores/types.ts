import {
  CommitRecord,
  DeployEventRecord,
  DeploymentRecord,
  EnvironmentStateRecord,
  IngestResult,
  LedgerEvent,
  ReleaseRecord,
} from '../types';

/** The ledger's write side: stores events as they came and folds them into the read models. */
export interface LedgerEventStore {
  /** Stores a batch in one transaction: all of it or, on any error, none of it. */
  ingest(events: LedgerEvent[], receivedAt?: Date): Promise<IngestResult>;
  /** Like ingest, and tells which ids were new (the first occurrence of each in the batch). */
  ingestReturningIds(
    events: LedgerEvent[],
    receivedAt?: Date,
  ): Promise<Set<string>>;
}

/** Releases of a component, ordered by their version key. */
export interface ReleaseStore {
  getReleases(entityRef: string, versions: string[]): Promise<ReleaseRecord[]>;
  /** Releases newest first, after the given version key when paginating. */
  listReleases(
    entityRef: string,
    options: { limit: number; beforeKey?: string },
  ): Promise<ReleaseRecord[]>;
  /** Releases with a key in (fromKey, toKey], oldest first. */
  listReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<ReleaseRecord[]>;
  countReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<number>;
}

/** Commits on a component's default branch, by position (1 = the first seen). */
export interface CommitStore {
  getCommitPositions(
    entityRef: string,
    shas: string[],
  ): Promise<Map<string, number>>;
  /** Counts commits with a position in (after, upTo]; `upTo` undefined means no upper bound. */
  countCommitsBetween(
    entityRef: string,
    after: number,
    upTo?: number,
  ): Promise<number>;
  /** Commits with a position in (after, upTo], newest first, with their pull requests. */
  listCommitsBetween(
    entityRef: string,
    after: number,
    upTo: number | undefined,
    limit: number,
  ): Promise<CommitRecord[]>;
}

/** Keyset position in the deployment history: newest first by (sort_at, id). */
export interface DeploymentCursor {
  sortAt: number;
  id: string;
}

export interface ListDeploymentsOptions {
  environment?: string;
  status?: DeploymentRecord['status'];
  limit: number;
  after?: DeploymentCursor;
}

/** A release in one environment, as a promotion follows it. */
export interface DeployTarget {
  entityRef: string;
  environment: string;
  version: string;
  commitSha?: string;
}

/** Deployments and the deploy events they came from. */
export interface DeploymentStore {
  listDeployments(
    entityRef: string,
    options: ListDeploymentsOptions,
  ): Promise<DeploymentRecord[]>;
  /** The latest deployment of each of the given versions in each environment. */
  latestDeploymentsOfVersions(
    entityRef: string,
    versions: string[],
  ): Promise<DeploymentRecord[]>;
  /** Whether the release ever deployed successfully to the environment. */
  hasSucceededIn(
    entityRef: string,
    environment: string,
    version: string,
  ): Promise<boolean>;
  /**
   * Deploy events of one release in one environment that the ledger received at or after `since`
   * (epoch ms), oldest first. An event that named only the release's commit counts too.
   */
  deployEventsSince(
    target: DeployTarget,
    since: number,
  ): Promise<DeployEventRecord[]>;
  /**
   * Successful deploy events the ledger received since `receivedSince` that happened since
   * `occurredSince`: live deployments, not a backfill of history. Oldest first.
   */
  recentDeploySuccesses(
    receivedSince: number,
    occurredSince: number,
    limit?: number,
  ): Promise<DeployEventRecord[]>;
}

/** What runs in each environment of a component and what was last attempted there. */
export interface EnvironmentStore {
  getEnvironmentStates(entityRef: string): Promise<EnvironmentStateRecord[]>;
  /** Every entity with a deployment in some environment (the database store has it; fakes may not). */
  listEntityRefs?(): Promise<string[]>;
}

/** The ledger's stores, as services that read several of them take them. */
export interface LedgerStores {
  events: LedgerEventStore;
  releases: ReleaseStore;
  commits: CommitStore;
  deployments: DeploymentStore;
  environments: EnvironmentStore;
}

/** Finished deployments of some components in one environment whose finish lies in [from, to) (epoch ms). */
export interface DeliveryWindow {
  environment: string;
  entityRefs: string[];
  from: number;
  to: number;
}

/** Finished deployments: all, the succeeded, the failing (failed or rolled back), the rework (rollbacks, hotfixes). */
export interface DeploymentCounts {
  total: number;
  succeeded: number;
  failing: number;
  rework: number;
}

/** The counts of one week (weeks start on Monday, 00:00 UTC). */
export interface WeeklyDeploymentCounts extends DeploymentCounts {
  weekStart: number;
}

/** Median lead times (ms) of the commits first delivered in a window: overall and per week. */
export interface LeadTimeMedians {
  medianMs: number | null;
  samples: number;
  weekly: Array<{
    weekStart: number;
    medianMs: number | null;
    samples: number;
  }>;
}

/** The delivery read models DORA metrics are computed from; every method reads index ranges only. */
export interface DeliveryMetricsStore {
  countDeployments(window: DeliveryWindow): Promise<{
    totals: DeploymentCounts;
    weekly: WeeklyDeploymentCounts[];
  }>;
  /** Per failing deployment in the window that recovered: ms from its finish to the next success's. */
  recoveryTimes(window: DeliveryWindow): Promise<number[]>;
  leadTimes(window: DeliveryWindow): Promise<LeadTimeMedians>;
}

/** Releases of a component with a key in (afterKey, upToKey]. */
export interface ReleaseKeyRange {
  entityRef: string;
  afterKey: string;
  upToKey: string;
}

/** Commits of a component with a position in (after, upTo]; no upper bound without upTo. */
export interface CommitPositionRange {
  entityRef: string;
  after: number;
  upTo?: number;
}

/** What org views (rollups) read about many components at once: a few statements for any number. */
export interface RollupStore {
  /** The state per environment of each component (as EnvironmentStore's), keyed by entity ref. */
  getEnvironmentStatesOf(
    entityRefs: string[],
  ): Promise<Map<string, EnvironmentStateRecord[]>>;
  /** How many releases each range holds, in the order of the ranges. */
  countReleasesInRanges(ranges: ReleaseKeyRange[]): Promise<number[]>;
  /** How many commits each range holds, in the order of the ranges. */
  countCommitsInRanges(ranges: CommitPositionRange[]): Promise<number[]>;
}
