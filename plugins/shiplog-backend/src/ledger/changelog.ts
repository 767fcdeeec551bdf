import { NotFoundError } from '@backstage/errors';
import {
  ChangelogResponse,
  CommitSummary,
  uniquePullRequests,
} from '@shiplog/plugin-shiplog-common';
import { CommitStore, ReleaseStore } from '../database/stores';
import { ReleaseRecord } from '../database/types';
import { toCommitSummary } from './records';

const CHANGELOG_COMMITS_SHOWN = 1000;

export interface ChangelogReadStores {
  releases: ReleaseStore;
  commits: CommitStore;
}

/** Both releases, older first; a 404 naming the field when one is not a release of the entity. */
async function releasePair(
  releases: ReleaseStore,
  entityRef: string,
  from: string,
  to: string,
): Promise<[ReleaseRecord, ReleaseRecord]> {
  const found = new Map(
    (await releases.getReleases(entityRef, [from, to])).map(r => [
      r.version,
      r,
    ]),
  );
  for (const [field, version] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!found.has(version)) {
      throw new NotFoundError(
        `${field}: no release "${version}" of ${entityRef}`,
      );
    }
  }
  const older = found.get(from)!;
  const newer = found.get(to)!;
  return older.versionKey > newer.versionKey ? [newer, older] : [older, newer];
}

/** What changed between two releases: the releases between them, their commits and pull requests. */
export async function getChangelog(
  stores: ChangelogReadStores,
  entityRef: string,
  from: string,
  to: string,
): Promise<ChangelogResponse> {
  const [older, newer] = await releasePair(
    stores.releases,
    entityRef,
    from,
    to,
  );
  const between = await stores.releases.listReleasesBetween(
    entityRef,
    older.versionKey,
    newer.versionKey,
  );
  const positions = await stores.commits.getCommitPositions(
    entityRef,
    [older.commitSha, newer.commitSha].filter((sha): sha is string =>
      Boolean(sha),
    ),
  );
  const fromPos = older.commitSha ? positions.get(older.commitSha) : undefined;
  const toPos = newer.commitSha ? positions.get(newer.commitSha) : undefined;
  let commits: CommitSummary[] = [];
  if (fromPos !== undefined && toPos !== undefined && toPos > fromPos) {
    commits = (
      await stores.commits.listCommitsBetween(
        entityRef,
        fromPos,
        toPos,
        CHANGELOG_COMMITS_SHOWN,
      )
    ).map(toCommitSummary);
  }
  return {
    from,
    to,
    commits,
    pullRequests: uniquePullRequests(commits),
    releases: between.map(r => r.version),
  };
}
