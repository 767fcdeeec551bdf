import { DeploymentRecord, ReleaseRecord, StageRecord } from './types';

/** The rows of the read models as the database holds them: shared by the projections and the read stores. */

export type Stage = 'build' | 'publish' | 'release';

export interface ReleaseRow {
  entity_ref: string;
  version: string;
  version_key: string;
  commit_sha: string | null;
  first_seen_at: number;
  build_status: string | null;
  build_at: number | null;
  build_run_url: string | null;
  publish_status: string | null;
  publish_at: number | null;
  publish_run_url: string | null;
  release_status: string | null;
  release_at: number | null;
  release_run_url: string | null;
  image_repository: string | null;
  image_tag: string | null;
  image_digest: string | null;
}

export interface CommitRow {
  entity_ref: string;
  sha: string;
  position: number;
  message: string | null;
  author: string | null;
  pr_number: number | null;
  committed_at: number;
  /** Git's commit time when an event gave it (`commits[].timestamp`). */
  git_committed_at: number | null;
}

export interface PullRequestRow {
  entity_ref: string;
  number: number;
  title: string | null;
  labels: string;
  url: string | null;
  merge_commit_sha: string | null;
  merged_at: number | null;
}

export interface DeploymentRow {
  id?: string | number;
  entity_ref: string;
  environment: string;
  version: string;
  commit_sha: string | null;
  status: string;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  sort_at: number;
  actor: string | null;
  run_url: string | null;
  source: string | null;
  rollback: boolean | number;
}

export const DEPLOYMENT_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'version',
  'commit_sha',
  'status',
  'started_at',
  'finished_at',
  'updated_at',
  'sort_at',
  'actor',
  'run_url',
  'source',
  'rollback',
] as const;

export const toNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
export const orUndefined = <T>(value: T | null): T | undefined =>
  value === null ? undefined : value;

export function deploymentFromRow(row: DeploymentRow): DeploymentRecord {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    commitSha: orUndefined(row.commit_sha),
    status: row.status as DeploymentRecord['status'],
    startedAt: toNumber(row.started_at),
    finishedAt: toNumber(row.finished_at),
    updatedAt: Number(row.updated_at),
    sortAt: Number(row.sort_at),
    actor: orUndefined(row.actor),
    runUrl: orUndefined(row.run_url),
    source: orUndefined(row.source),
    rollback: Boolean(row.rollback),
  };
}

function stageFromRow(row: ReleaseRow, stage: Stage): StageRecord | undefined {
  const status = row[`${stage}_status`];
  if (!status) {
    return undefined;
  }
  return {
    status: status as StageRecord['status'],
    at: Number(row[`${stage}_at`]),
    runUrl: orUndefined(row[`${stage}_run_url`]),
  };
}

export function releaseFromRow(row: ReleaseRow): ReleaseRecord {
  return {
    version: row.version,
    versionKey: row.version_key,
    commitSha: orUndefined(row.commit_sha),
    firstSeenAt: Number(row.first_seen_at),
    build: stageFromRow(row, 'build'),
    publish: stageFromRow(row, 'publish'),
    release: stageFromRow(row, 'release'),
    image:
      row.image_repository && row.image_tag
        ? {
            repository: row.image_repository,
            tag: row.image_tag,
            digest: orUndefined(row.image_digest),
          }
        : undefined,
  };
}
