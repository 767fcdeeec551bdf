import {
  CommitSummary,
  groupCommitsByType,
  PromotionPreview,
  uniquePullRequests,
} from '@shiplog/plugin-shiplog-common';
import { LedgerStore } from '../../database/LedgerStore';
import { ReleaseRecord } from '../../database/types';

const CHANGELOG_COMMITS = 500;

/** The ledger reads a promotion's changelog needs. */
export type ChangelogLedger = Pick<
  LedgerStore,
  'listReleasesBetween' | 'getCommitPositions' | 'listCommitsBetween'
>;

/** Commits and releases between what runs and the target, in either direction (a rollback removes them). */
export async function promotionChangelog(
  ledgerStore: ChangelogLedger,
  entityRef: string,
  running: { resolvedCommitSha?: string; versionKey?: string } | undefined,
  target: ReleaseRecord | undefined,
): Promise<PromotionPreview['changelog']> {
  const empty = { commits: [], pullRequests: [], groups: [], releases: [] };
  if (!target) return empty;
  const keys = [running?.versionKey ?? '', target.versionKey].sort();
  const runningSha = running?.resolvedCommitSha;
  const [releases, positions] = await Promise.all([
    keys[0] === keys[1]
      ? []
      : ledgerStore.listReleasesBetween(entityRef, keys[0], keys[1]),
    ledgerStore.getCommitPositions(
      entityRef,
      [runningSha, target.commitSha].filter((s): s is string => Boolean(s)),
    ),
  ]);
  const to = target.commitSha ? positions.get(target.commitSha) : undefined;
  const from = runningSha ? positions.get(runningSha) : 0;
  let commits: CommitSummary[] = [];
  if (to !== undefined && from !== undefined && to !== from) {
    const [low, high] = from < to ? [from, to] : [to, from];
    commits = (
      await ledgerStore.listCommitsBetween(
        entityRef,
        low,
        high,
        CHANGELOG_COMMITS,
      )
    ).map(({ position, ...commit }) => commit);
  }
  return {
    commits,
    pullRequests: uniquePullRequests(commits),
    groups: groupCommitsByType(commits),
    // Oldest first, the last 100 at most (a first deployment would otherwise list all history).
    releases: releases.slice(-100).map(r => r.version),
  };
}
