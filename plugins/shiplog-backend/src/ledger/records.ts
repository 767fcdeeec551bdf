import {
  CommitSummary,
  Deployment,
  EnvironmentDeploymentSummary,
} from '@shiplog/plugin-shiplog-common';
import {
  CommitRecord,
  DeploymentRecord,
  MatrixDeploymentRecord,
} from '../database/types';

/** The stores' records in the API's shapes (shiplog-common), times as ISO strings. */

export const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function toCommitSummary(commit: CommitRecord): CommitSummary {
  return {
    sha: commit.sha,
    message: commit.message,
    author: commit.author,
    pullRequest: commit.pullRequest,
  };
}

export function toDeployment(record: DeploymentRecord): Deployment {
  return {
    id: record.id,
    environment: record.environment,
    version: record.version,
    commitSha: record.commitSha,
    status: record.status,
    startedAt: iso(record.startedAt),
    finishedAt: iso(record.finishedAt),
    updatedAt: new Date(record.updatedAt).toISOString(),
    actor: record.actor,
    runUrl: record.runUrl,
    source: record.source,
    rollback: record.rollback,
  };
}

export function toEnvironmentSummary(
  record: MatrixDeploymentRecord,
): EnvironmentDeploymentSummary {
  return {
    deploymentId: record.id,
    version: record.version,
    commitSha: record.resolvedCommitSha,
    status: record.status,
    at: new Date(
      record.status === 'succeeded'
        ? record.finishedAt ?? record.sortAt
        : record.sortAt,
    ).toISOString(),
    actor: record.actor,
    runUrl: record.runUrl,
    rollback: record.rollback,
  };
}
