import type {
  CommitSummary,
  PullRequestSummary,
  ReleaseEvent,
} from '@shiplog/plugin-shiplog-common';

/**
 * Commits merged on a component's default branch, oldest first, as a push to it reports them.
 * Internal to the ledger: webhooks produce it, the public API does not accept it.
 */
export interface CommitsLedgerEvent {
  id: string;
  entityRef: string;
  type: 'commits';
  commits: CommitSummary[];
  actor?: string;
  source?: string;
  runUrl?: string;
  occurredAt?: string;
}

/** A pull request merged into the default branch, with its labels (`no-deploy-to-<env>` matters). */
export interface PullRequestLedgerEvent {
  id: string;
  entityRef: string;
  type: 'pull_request';
  pullRequest: PullRequestSummary;
  /** The commit the merge put on the default branch. */
  commitSha?: string;
  actor?: string;
  source?: string;
  runUrl?: string;
  occurredAt?: string;
}

/**
 * A promotion reached a state (requested, change opened, merged, synced, deployed, failed, refused).
 * Shiplog's own record of what it did; it changes no read model: what runs where still comes only
 * from deploy events.
 */
export interface PromotionLedgerEvent {
  id: string;
  entityRef: string;
  type: 'promotion';
  status: string;
  version: string;
  environment: string;
  promotionId: string;
  fromVersion?: string;
  reason?: string;
  rollback?: boolean;
  automatic?: boolean;
  change?: { kind: string; url?: string; commitSha?: string };
  error?: string;
  actor?: string;
  source?: string;
  runUrl?: string;
  occurredAt?: string;
}

/** Everything the ledger records: the public release events, the webhook-only commit facts, promotions. */
export type LedgerEvent =
  | ReleaseEvent
  | CommitsLedgerEvent
  | PullRequestLedgerEvent
  | PromotionLedgerEvent;

/** The events the read models are derived from. */
export type ProjectedLedgerEvent = Exclude<LedgerEvent, PromotionLedgerEvent>;

/** A ledger deploy event as promotion tracking reads it. */
export interface DeployEventRecord {
  id: string;
  entityRef: string;
  environment: string;
  version?: string;
  commitSha?: string;
  status: 'started' | 'succeeded' | 'failed' | 'cancelled';
  runUrl?: string;
  occurredAt: number;
  receivedAt: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** A deployment row as the store returns it. */
export interface DeploymentRecord {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  commitSha?: string;
  status: 'in_progress' | 'succeeded' | 'failed' | 'cancelled';
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
  sortAt: number;
  actor?: string;
  runUrl?: string;
  source?: string;
  rollback: boolean;
}

/** A deployment in the matrix, with what drift needs of its release: order key, commit and its position. */
export interface MatrixDeploymentRecord extends DeploymentRecord {
  versionKey?: string;
  /** The deployment's commit, or its release's when the deploy event named none. */
  resolvedCommitSha?: string;
  commitPosition?: number;
  /** What runs only: the component's releases with an order key up to its own (the rollup cell's). */
  releaseRank?: number;
}

export interface EnvironmentStateRecord {
  environment: string;
  current?: MatrixDeploymentRecord;
  attempt?: MatrixDeploymentRecord;
}

export interface ReleaseRecord {
  version: string;
  versionKey: string;
  commitSha?: string;
  firstSeenAt: number;
  build?: StageRecord;
  publish?: StageRecord;
  release?: StageRecord;
  image?: { repository: string; tag: string; digest?: string };
}

export interface StageRecord {
  status: ReleaseEvent['status'];
  at: number;
  runUrl?: string;
}

export interface CommitRecord {
  sha: string;
  position: number;
  message?: string;
  author?: string;
  pullRequest?: PullRequestSummary;
}
