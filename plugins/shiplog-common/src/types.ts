import type { EnvironmentFreeze, EnvironmentHold } from './promotions';
import type { EVENT_STATUSES, EVENT_TYPES } from './schema';

/** @public */
export type ReleaseEventType = (typeof EVENT_TYPES)[number];
/** @public */
export type ReleaseEventStatus = (typeof EVENT_STATUSES)[number];

/** Answer of `POST /v1/events`. @public */
export interface IngestResponse {
  accepted: number;
  duplicates: number;
}

/** How an environment is promoted to and synced, from `shiplog.environments`. @public */
export interface EnvironmentPolicy {
  autoPromote: boolean;
  requiresApproval: boolean;
  sync: 'automatic' | 'manual';
  change: 'pull-request' | 'commit';
  /** How long a version runs here, succeeded and healthy, before auto-promotion takes it on. */
  soakTime?: { minutes: number };
}

/** @public */
export interface EnvironmentConfig extends EnvironmentPolicy {
  name: string;
  /** The environment DORA metrics measure (at most one is marked; else the last one is). */
  production?: boolean;
}

/** @public */
export type DeploymentStatus =
  | 'in_progress'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

/** @public */
export interface PullRequestSummary {
  number: number;
  title?: string;
  labels: string[];
  url?: string;
}

/** @public */
export interface CommitSummary {
  sha: string;
  message?: string;
  author?: string;
  /** Git's commit time (ISO 8601): where a change's lead time starts. */
  timestamp?: string;
  pullRequest?: PullRequestSummary;
}

/** The release an environment runs, or last tried to run. @public */
export interface EnvironmentDeploymentSummary {
  deploymentId: string;
  version: string;
  commitSha?: string;
  status: DeploymentStatus;
  /** When it started running there (for the current one) or when the attempt happened. */
  at: string;
  actor?: string;
  runUrl?: string;
  /** The deployment replaced a newer release with an older one. */
  rollback: boolean;
}

/** @public */
export interface EnvironmentDrift {
  /** The environment this one is compared with (the one before it), if any. */
  previousEnvironment?: string;
  /** Releases the previous environment runs that this one does not yet. */
  releasesBehind: number;
  /** Commits the previous environment runs that this one does not yet. */
  commitsBehind: number;
  /**
   * This environment runs a release newer than the previous environment runs: a stage was skipped
   * or the previous environment was rolled back.
   */
  aheadOfPrevious: boolean;
}

/** One column of the environment matrix. @public */
export interface EnvironmentStatus {
  name: string;
  policy: EnvironmentPolicy;
  /** The release running there: the last successful deployment. */
  current?: EnvironmentDeploymentSummary;
  /** The latest attempt, when it differs from `current` (in progress, failed or cancelled). */
  lastAttempt?: EnvironmentDeploymentSummary;
  /** `never_deployed` when nothing was ever deployed there. */
  status: DeploymentStatus | 'never_deployed';
  drift: EnvironmentDrift;
  /** Who holds the environment (auto-promotion stops there), since when and why. */
  hold?: EnvironmentHold;
  /** The freeze window in force, or the next one within a week. */
  freeze?: EnvironmentFreeze;
}

/** Answer of `GET .../environments`. @public */
export interface EnvironmentsResponse {
  entityRef: string;
  environments: EnvironmentStatus[];
  /** Commits merged on the default branch after the newest commit deployed anywhere. */
  undeployed: {
    commitCount: number;
    /** The newest of them, up to 20, newest first. */
    commits: CommitSummary[];
  };
}

/** @public */
export interface StageStatus {
  status: ReleaseEventStatus;
  at: string;
  runUrl?: string;
}

/** @public */
export interface ReleaseImage {
  repository: string;
  tag: string;
  digest?: string;
}

/** One version of one component. @public */
export interface Release {
  version: string;
  commitSha?: string;
  firstSeenAt: string;
  stages: {
    build?: StageStatus;
    publish?: StageStatus & { image?: ReleaseImage };
    release?: StageStatus;
  };
  /** The latest deployment of this release per environment. */
  deployments: Record<
    string,
    { status: DeploymentStatus; at: string; deploymentId: string }
  >;
  /** Commits since the previous release, newest first (at most 100; `commitCount` has the total). */
  commits: CommitSummary[];
  commitCount: number;
}

/** @public */
export interface Deployment {
  id: string;
  environment: string;
  version: string;
  commitSha?: string;
  status: DeploymentStatus;
  startedAt?: string;
  finishedAt?: string;
  /** When it was last reported on. */
  updatedAt: string;
  actor?: string;
  runUrl?: string;
  source?: string;
  /** Set when this deployment replaced a newer version with an older one. */
  rollback: boolean;
}

/** A keyset-paginated page. @public */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** Answer of `GET .../changelog`. @public */
export interface ChangelogResponse {
  from: string;
  to: string;
  /** Newest first. */
  commits: CommitSummary[];
  pullRequests: PullRequestSummary[];
  /** The releases between the two versions, oldest first, `to` included, `from` excluded. */
  releases: string[];
}
