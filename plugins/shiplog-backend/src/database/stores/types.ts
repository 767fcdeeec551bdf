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

/**
 * What DORA's metrics need of one week (weeks start on Monday, 00:00 UTC) within a window: the counts of
 * finished deployments, every lead time (ms) of the commits first delivered, and every recovery time
 * (ms) of the failing deployments that recovered, so that medians over any set of weeks are exact.
 */
export interface DeliveryWeekFacts extends DeploymentCounts {
  weekStart: number;
  leadTimes: number[];
  recoveries: number[];
}

/** One week of a window summed: its counts and the median lead time (ms) of its commits. */
export interface DeliveryWeekSummary extends DeploymentCounts {
  weekStart: number;
  leadTimeMedian: number | null;
}

/** The median (ms, null without samples) of a set of durations, and how many there were. */
export interface DurationMedian {
  median: number | null;
  samples: number;
}

/** What DORA shows of a window: each week's counts and lead-time median, and the window's medians. */
export interface DeliverySummary {
  /** The weeks of the window that hold any fact, oldest first. */
  weeks: DeliveryWeekSummary[];
  leadTimes: DurationMedian;
  recoveries: DurationMedian;
}

/** The delivery read models DORA metrics are computed from; reads per-week and per-day buckets. */
export interface DeliveryMetricsStore {
  /** The weeks of the window that hold any fact, oldest first, with every lead and recovery time. */
  weeklyFacts(window: DeliveryWindow): Promise<DeliveryWeekFacts[]>;
  /** The same facts summed, with exact medians: what DORA shows, without shipping every time. */
  summarize(window: DeliveryWindow): Promise<DeliverySummary>;
}

/** A rollup cell as ingest keeps it (`shiplog_rollup_cells`): what runs, and the last attempt. */
export interface RollupCellRecord {
  environment: string;
  current?: {
    version: string;
    /** When it finished deploying (its start when no finish was reported). */
    since: number;
    status: DeploymentRecord['status'];
    versionKey?: string;
    /** The position of its release's commit; positions are gap-free, so differences count commits. */
    commitPosition?: number;
    /** The component's releases with an order key up to its own; differences count releases. */
    releaseRank?: number;
  };
  attempt?: {
    version: string;
    status: DeploymentRecord['status'];
    at: number;
  };
}

/** What org views (rollups) read about many components at once: two statements for any number. */
export interface RollupStore {
  /** The cells of each component, keyed by entity ref. */
  getCellsOf(entityRefs: string[]): Promise<Map<string, RollupCellRecord[]>>;
  /** The newest commit position of each component that has commits. */
  getCommitHeadsOf(entityRefs: string[]): Promise<Map<string, number>>;
}
