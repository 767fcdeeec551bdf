import { Page, Release } from '@shiplog/plugin-shiplog-common';
import { CommitStore, DeploymentStore, ReleaseStore } from '../database/stores';
import {
  CommitRecord,
  DeploymentRecord,
  ReleaseRecord,
} from '../database/types';
import { decodeCursor, encodeCursor } from './cursor';
import { toCommitSummary } from './records';

const RELEASE_COMMITS_SHOWN = 100;

export interface ReleaseReadStores {
  releases: ReleaseStore;
  commits: CommitStore;
  deployments: DeploymentStore;
}

function stageOf(stage: ReleaseRecord['build']) {
  return stage
    ? {
        status: stage.status,
        at: new Date(stage.at).toISOString(),
        runUrl: stage.runUrl,
      }
    : undefined;
}

function toRelease(
  record: ReleaseRecord,
  deployments: DeploymentRecord[],
  commits: CommitRecord[],
  commitCount: number,
): Release {
  const perEnvironment: Release['deployments'] = {};
  for (const deployment of deployments) {
    if (deployment.version === record.version) {
      perEnvironment[deployment.environment] = {
        status: deployment.status,
        at: new Date(deployment.finishedAt ?? deployment.sortAt).toISOString(),
        deploymentId: deployment.id,
      };
    }
  }
  const publish = stageOf(record.publish);
  return {
    version: record.version,
    commitSha: record.commitSha,
    firstSeenAt: new Date(record.firstSeenAt).toISOString(),
    stages: {
      build: stageOf(record.build),
      publish: publish ? { ...publish, image: record.image } : undefined,
      release: stageOf(record.release),
    },
    deployments: perEnvironment,
    commits: commits.map(toCommitSummary),
    commitCount,
  };
}

/** The commits a release added since the one before it (at most a page of them, and their count). */
async function commitsOfRelease(
  stores: ReleaseReadStores,
  entityRef: string,
  positions: Map<string, number>,
  record: ReleaseRecord,
  previous: ReleaseRecord | undefined,
): Promise<[CommitRecord[], number]> {
  const own = record.commitSha ? positions.get(record.commitSha) : undefined;
  // Without the previous release's commit the range is unknown: show no commits rather than all history.
  let from: number | undefined = 0;
  if (previous) {
    from = previous.commitSha ? positions.get(previous.commitSha) : undefined;
  }
  if (own === undefined || from === undefined || own <= from) {
    return [[], 0];
  }
  return Promise.all([
    stores.commits.listCommitsBetween(
      entityRef,
      from,
      own,
      RELEASE_COMMITS_SHOWN,
    ),
    stores.commits.countCommitsBetween(entityRef, from, own),
  ]);
}

const isReleaseCursor = (v: unknown): v is { k: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { k: unknown }).k === 'string';

/** One release with its stages, deployments and the commits it added (as `listReleases` shows it). */
export async function getRelease(
  stores: ReleaseReadStores,
  entityRef: string,
  version: string,
): Promise<Release | undefined> {
  const [record] = await stores.releases.getReleases(entityRef, [version]);
  if (!record) return undefined;
  const [previous] = await stores.releases.listReleases(entityRef, {
    limit: 1,
    beforeKey: record.versionKey,
  });
  const shas = [record.commitSha, previous?.commitSha].filter(
    (sha): sha is string => Boolean(sha),
  );
  const [positions, deployments] = await Promise.all([
    stores.commits.getCommitPositions(entityRef, shas),
    stores.deployments.latestDeploymentsOfVersions(entityRef, [version]),
  ]);
  const [commits, commitCount] = await commitsOfRelease(
    stores,
    entityRef,
    positions,
    record,
    previous,
  );
  return toRelease(record, deployments, commits, commitCount);
}

/** Releases newest first, each with its stages, deployments and the commits it added. */
export async function listReleases(
  stores: ReleaseReadStores,
  entityRef: string,
  options: { limit: number; cursor?: string },
): Promise<Page<Release>> {
  const beforeKey = options.cursor
    ? decodeCursor(options.cursor, isReleaseCursor).k
    : undefined;
  // One more than the page: it tells whether there is a next page and bounds the last release's commits.
  const records = await stores.releases.listReleases(entityRef, {
    limit: options.limit + 1,
    beforeKey,
  });
  const page = records.slice(0, options.limit);
  const shas = records
    .map(r => r.commitSha)
    .filter((sha): sha is string => Boolean(sha));
  const [positions, deployments] = await Promise.all([
    stores.commits.getCommitPositions(entityRef, shas),
    stores.deployments.latestDeploymentsOfVersions(
      entityRef,
      page.map(r => r.version),
    ),
  ]);
  const items = await Promise.all(
    page.map(async (record, index) => {
      const [commits, commitCount] = await commitsOfRelease(
        stores,
        entityRef,
        positions,
        record,
        records[index + 1],
      );
      return toRelease(record, deployments, commits, commitCount);
    }),
  );
  const last = page[page.length - 1];
  return {
    items,
    nextCursor:
      records.length > options.limit && last
        ? encodeCursor({ k: last.versionKey })
        : undefined,
  };
}
