import {
  CommitSummary,
  PullRequestSummary,
} from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { CommitRow, PullRequestRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectedLedgerEvent } from '../types';
import { ProjectionBatch, chunks, keyOf } from './batch';
import { PushedCommits, orderPushedCommits } from './orderPushedCommits';
import { columnsOf, insertRows } from './insertRows';
import { named, oneOf, selectOverTuples } from './statements';

const COMMITS = TABLES.commits;
const COMMIT_COLUMNS = [
  ...columnsOf('text', 'entity_ref', 'sha'),
  ...columnsOf('bigint', 'position'),
  ...columnsOf('text', 'message', 'author'),
  ...columnsOf('bigint', 'pr_number', 'committed_at', 'git_committed_at'),
];
const PULL_REQUESTS = TABLES.pullRequests;

/** Squash merges end in "(#123)", merge commits start with "Merge pull request #123". */
export function pullRequestNumberFromMessage(
  message: string | undefined,
): number | undefined {
  if (!message) {
    return undefined;
  }
  const firstLine = message.split('\n', 1)[0];
  const match =
    /\(#(\d+)\)\s*$/.exec(firstLine) ??
    /^Merge pull request #(\d+)/.exec(firstLine);
  return match ? Number(match[1]) : undefined;
}

function gitTimeOf(commit: CommitSummary): number | undefined {
  return commit.timestamp ? Date.parse(commit.timestamp) : undefined;
}

interface PendingCommit {
  entityRef: string;
  sha: string;
  message?: string;
  author?: string;
  prNumber?: number;
  at: number;
  /** Git's commit time (`commits[].timestamp`), epoch ms. */
  gitAt?: number;
}

/** The commits and pull requests a batch reports, merged per (entity, sha) and (entity, number). */
class CommitFacts {
  readonly commits = new Map<string, PendingCommit>();
  readonly pullRequests = new Map<string, PullRequestRow>();
  /** What each push listed, in the batch's order: the order the default branch has them in. */
  readonly pushes: PushedCommits[] = [];

  addCommit(entityRef: string, commit: CommitSummary, at: number) {
    const key = keyOf(entityRef, commit.sha);
    const prNumber =
      commit.pullRequest?.number ??
      pullRequestNumberFromMessage(commit.message);
    const existing = this.commits.get(key);
    if (existing) {
      existing.message ??= commit.message;
      existing.author ??= commit.author;
      existing.prNumber = prNumber ?? existing.prNumber;
      existing.gitAt ??= gitTimeOf(commit);
      return;
    }
    this.commits.set(key, {
      entityRef,
      sha: commit.sha,
      message: commit.message,
      author: commit.author,
      prNumber,
      at,
      gitAt: gitTimeOf(commit),
    });
  }

  addPullRequest(
    entityRef: string,
    pr: PullRequestSummary,
    mergeSha: string | undefined,
    at: number | undefined,
  ) {
    const key = keyOf(entityRef, pr.number);
    const previous = this.pullRequests.get(key);
    this.pullRequests.set(key, {
      entity_ref: entityRef,
      number: pr.number,
      title: pr.title ?? previous?.title ?? null,
      labels: JSON.stringify(pr.labels ?? []),
      url: pr.url ?? previous?.url ?? null,
      merge_commit_sha: mergeSha ?? previous?.merge_commit_sha ?? null,
      merged_at: at ?? previous?.merged_at ?? null,
    });
  }

  add(event: ProjectedLedgerEvent, at: number) {
    if (event.type === 'pull_request') {
      this.addPullRequest(
        event.entityRef,
        event.pullRequest,
        event.commitSha,
        at,
      );
      if (event.commitSha) {
        const { pullRequest } = event;
        const commit = { sha: event.commitSha, message: pullRequest.title };
        this.addCommit(event.entityRef, { ...commit, pullRequest }, at);
      }
      return;
    }
    if (event.type === 'commits' && event.commits.length > 1) {
      this.pushes.push({
        entityRef: event.entityRef,
        shas: [...new Set(event.commits.map(commit => commit.sha))],
      });
    }
    for (const commit of event.commits ?? []) {
      this.addCommit(event.entityRef, commit, at);
      if (commit.pullRequest) {
        this.addPullRequest(
          event.entityRef,
          commit.pullRequest,
          undefined,
          undefined,
        );
      }
    }
    // A build, publish or release names the commit it came from: it is on the default branch too.
    if (
      event.type !== 'commits' &&
      event.type !== 'deploy' &&
      event.commitSha
    ) {
      this.addCommit(event.entityRef, { sha: event.commitSha }, at);
    }
  }
}

/** The stored positions of these (component, sha) commits. */
async function commitPositions(
  trx: Knex.Transaction,
  commits: ReadonlyArray<readonly [entityRef: string, sha: string]>,
): Promise<Array<{ entity_ref: string; sha: string; position: unknown }>> {
  const found: Array<{ entity_ref: string; sha: string; position: unknown }> =
    [];
  for (const part of chunks([...commits])) {
    found.push(
      ...(await selectOverTuples<(typeof found)[number]>(
        trx,
        { name: 'commit_positions_v2', tuples: 'wanted' },
        [
          { name: 'entity_ref', type: 'text' },
          { name: 'sha', type: 'text' },
        ],
        part,
        `SELECT c.entity_ref, c.sha, c.position FROM wanted CROSS JOIN ${COMMITS} c
         WHERE c.entity_ref = wanted.entity_ref AND c.sha = wanted.sha`,
      )),
    );
  }
  return found;
}

/**
 * New commits take the positions after each component's last one, in the order the batch reports them;
 * commits already stored keep theirs and take none, so positions stay gap-free (1..n per component)
 * and a difference of positions counts the commits between. `max` is read under the component's
 * ledger lock, and positions are unique per component.
 */
async function positionCommits(
  { trx }: ProjectionBatch,
  commits: PendingCommit[],
): Promise<CommitRow[]> {
  const entityRefs = [...new Set(commits.map(c => c.entityRef))];
  const stored = await commitPositions(
    trx,
    commits.map(c => [c.entityRef, c.sha] as const),
  );
  const storedPosition = new Map(
    stored.map(row => [keyOf(row.entity_ref, row.sha), Number(row.position)]),
  );
  const ofEntities = oneOf('entity_ref', entityRefs);
  const maxRows = (await named(
    trx,
    trx(COMMITS)
      .whereRaw(ofEntities.sql, ofEntities.bindings)
      .groupBy('entity_ref')
      .select('entity_ref')
      .max({ max: 'position' }),
    'commit_max_positions_v1',
    ofEntities,
  )) as Array<{ entity_ref: string; max: number | string | null }>;
  const next = new Map(
    maxRows.map(row => [row.entity_ref, Number(row.max ?? 0)]),
  );
  return commits.map(commit => {
    let position = storedPosition.get(keyOf(commit.entityRef, commit.sha));
    if (position === undefined) {
      position = (next.get(commit.entityRef) ?? 0) + 1;
      next.set(commit.entityRef, position);
    }
    return {
      entity_ref: commit.entityRef,
      sha: commit.sha,
      position,
      message: commit.message ?? null,
      author: commit.author ?? null,
      pr_number: commit.prNumber ?? null,
      committed_at: commit.at,
      git_committed_at: commit.gitAt ?? null,
    };
  });
}

async function upsertCommits(batch: ProjectionBatch, rows: CommitRow[]) {
  const { trx } = batch;
  // A commit keeps the position it was first seen at; later reports only fill in what was missing.
  await insertRows(trx, {
    table: COMMITS,
    columns: COMMIT_COLUMNS,
    rows,
    conflict: ['entity_ref', 'sha'],
    merge: {
      message: `COALESCE(${COMMITS}.message, excluded.message)`,
      author: `COALESCE(${COMMITS}.author, excluded.author)`,
      pr_number: `COALESCE(excluded.pr_number, ${COMMITS}.pr_number)`,
      git_committed_at: `COALESCE(${COMMITS}.git_committed_at, excluded.git_committed_at)`,
    },
  });
}

async function upsertPullRequests(
  { trx }: ProjectionBatch,
  rows: PullRequestRow[],
) {
  const t = PULL_REQUESTS;
  for (const part of chunks(rows)) {
    await trx(t)
      .insert(part)
      .onConflict(['entity_ref', 'number'])
      .merge({
        title: trx.raw(`COALESCE(excluded.title, ${t}.title)`),
        labels: trx.raw(
          `CASE WHEN excluded.labels = '[]' THEN ${t}.labels ELSE excluded.labels END`,
        ),
        url: trx.raw(`COALESCE(excluded.url, ${t}.url)`),
        merge_commit_sha: trx.raw(
          `COALESCE(excluded.merge_commit_sha, ${t}.merge_commit_sha)`,
        ),
        merged_at: trx.raw(`COALESCE(excluded.merged_at, ${t}.merged_at)`),
      });
  }
}

/** Commits and pull requests: what the default branch holds, in order. Returns the components given commits. */
export async function projectCommits(
  batch: ProjectionBatch,
  events: ProjectedLedgerEvent[],
): Promise<Set<string>> {
  const facts = new CommitFacts();
  for (const event of events) {
    facts.add(event, batch.at(event));
  }
  if (facts.commits.size) {
    const rows = await positionCommits(batch, [...facts.commits.values()]);
    await upsertCommits(batch, rows);
    for (const push of facts.pushes) {
      await orderPushedCommits(batch.trx, push);
    }
  }
  if (facts.pullRequests.size) {
    await upsertPullRequests(batch, [...facts.pullRequests.values()]);
  }
  return new Set([...facts.commits.values()].map(commit => commit.entityRef));
}
