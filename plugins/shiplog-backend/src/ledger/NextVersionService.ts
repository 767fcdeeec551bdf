import { NotFoundError } from '@backstage/errors';
import {
  CommitSummary,
  computeNextVersion,
  NextVersion,
  parseReleaseVersion,
} from '@shiplog/plugin-shiplog-common';
import type { LedgerStores } from '../database/stores';
import type { CommitRecord, ReleaseRecord } from '../database/types';

/** The stores the next version reads. */
export type NextVersionStores = Pick<LedgerStores, 'releases' | 'commits'>;

const RELEASES_PAGE = 100;
/** More commits than one release could sensibly hold; the notes of a larger one are cut here. */
const MAX_COMMITS = 1000;

/**
 * The ledger as the version authority: the next semantic version of a commit from the commits
 * between the last release before it and it, through the one computation shared with the
 * scaffolder's `shiplog:next-version`.
 */
export class NextVersionService {
  constructor(private readonly stores: NextVersionStores) {}

  async nextVersion(
    entityRef: string,
    commitSha: string,
  ): Promise<NextVersion> {
    const position = (
      await this.stores.commits.getCommitPositions(entityRef, [commitSha])
    ).get(commitSha);
    if (position === undefined) {
      throw new NotFoundError(
        `commitSha: ${commitSha} is not in the ledger of ${entityRef}; report the push (or its build) to Shiplog first`,
      );
    }
    const last = await this.lastReleaseUpTo(entityRef, position);
    const commits = await this.stores.commits.listCommitsBetween(
      entityRef,
      last?.position ?? 0,
      position,
      MAX_COMMITS,
    );
    return computeNextVersion({
      previous: last?.release.version,
      commits: commits.map(toCommitSummary),
    });
  }

  /**
   * The highest semantic-version release whose commit is at or before the position: releases
   * named by a commit sha (builds of a merge) do not count, nor releases of later commits (a re-run
   * of an older merge).
   */
  private async lastReleaseUpTo(
    entityRef: string,
    position: number,
  ): Promise<{ release: ReleaseRecord; position: number } | undefined> {
    let beforeKey: string | undefined;
    for (;;) {
      const page = await this.stores.releases.listReleases(entityRef, {
        limit: RELEASES_PAGE,
        beforeKey,
      });
      const candidates = page.filter(
        release => release.commitSha && parseReleaseVersion(release.version),
      );
      const positions = await this.stores.commits.getCommitPositions(
        entityRef,
        candidates.map(release => release.commitSha!),
      );
      // Newest version first, so the first one at or before the commit is the last release.
      for (const release of candidates) {
        const at = positions.get(release.commitSha!);
        if (at !== undefined && at <= position) {
          return { release, position: at };
        }
      }
      if (page.length < RELEASES_PAGE) return undefined;
      beforeKey = page[page.length - 1].versionKey;
    }
  }
}

function toCommitSummary(commit: CommitRecord): CommitSummary {
  return {
    sha: commit.sha,
    ...(commit.message !== undefined ? { message: commit.message } : {}),
    ...(commit.author !== undefined ? { author: commit.author } : {}),
    ...(commit.pullRequest ? { pullRequest: commit.pullRequest } : {}),
  };
}
