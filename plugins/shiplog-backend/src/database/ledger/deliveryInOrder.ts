import { Knex } from 'knex';
import { TABLES } from '../tables';
import { chunks } from './batch';
import { InsertColumn, insertRows } from './insertRows';
import {
  FinishedDeployment,
  ReleaseFacts,
  LeadTimeMark,
  inEnvironment,
  raiseMarks,
} from './deliveryFacts';
import {
  CommitRow,
  DeliveryGroup,
  EnvironmentHistory,
  Unrecovered,
  loadCommits,
  loadUnrecovered,
} from './deliveryHistories';
import { BucketDeltas } from './deliveryBucketDeltas';

/*
 * The delivery facts of deployments that extend an environment's history strictly in time order (the
 * usual case: deployments are reported as they finish), rollbacks included, folded in memory from a
 * few reads per batch and written in bulk. The result is what `recordFinished` writes one deployment at a time; a test
 * ingests the same histories both ways and compares every delivery table.
 */

const FINISHED = TABLES.finishedDeployments;
const LEAD_TIMES = TABLES.commitLeadTimes;

interface FinishedInsert {
  deployment_id: string | number;
  entity_ref: string;
  environment: string;
  version: string;
  status: string;
  finished_at: number;
  was_rollback: boolean;
  rolled_back: boolean;
  hotfix: boolean;
  recovered_at: number | null;
}

const column = (name: string, type: InsertColumn['type']): InsertColumn => ({
  name,
  type,
});
const FINISHED_COLUMNS: InsertColumn[] = [
  column('deployment_id', 'bigint'),
  ...['entity_ref', 'environment', 'version', 'status'].map(name =>
    column(name, 'text'),
  ),
  column('finished_at', 'bigint'),
  ...['was_rollback', 'rolled_back', 'hotfix'].map(name =>
    column(name, 'boolean'),
  ),
  column('recovered_at', 'bigint'),
];
const LEAD_TIME_COLUMNS: InsertColumn[] = [
  ...['entity_ref', 'environment', 'sha'].map(name => column(name, 'text')),
  ...['position', 'started_at', 'deployed_at', 'deployment_id'].map(name =>
    column(name, 'bigint'),
  ),
];

/** Everything the fold writes, collected across the batch's groups. */
class DeliveryWrites {
  readonly finished: FinishedInsert[] = [];
  /** Earlier deployments recovered by a success of the batch: deployment id → recovered_at. */
  readonly recoveries = new Map<string | number, number>();
  /** Stored deployments a rollback of the batch marked rolled back. */
  readonly rolledBack: Array<string | number> = [];
  readonly leadTimes: Array<Record<string, unknown>> = [];
  readonly marks: LeadTimeMark[] = [];

  async flush(trx: Knex.Transaction) {
    await insertRows(trx, {
      table: FINISHED,
      columns: FINISHED_COLUMNS,
      rows: this.finished,
      conflict: ['deployment_id'],
    });
    for (const part of chunks(this.rolledBack)) {
      await trx(FINISHED)
        .whereIn('deployment_id', part)
        .update({ rolled_back: true });
    }
    // One statement per chunk, whatever the number of distinct recovery times.
    for (const part of chunks([...this.recoveries])) {
      const cases = part.map(() => 'WHEN ? THEN CAST(? AS BIGINT)').join(' ');
      await trx(FINISHED)
        .whereIn(
          'deployment_id',
          part.map(([id]) => id),
        )
        .update({
          recovered_at: trx.raw(
            `CASE deployment_id ${cases} END`,
            part.flatMap(([id, at]) => [id, at]),
          ),
        });
    }
    await insertRows(trx, {
      table: LEAD_TIMES,
      columns: LEAD_TIME_COLUMNS,
      rows: this.leadTimes,
      conflict: ['entity_ref', 'environment', 'sha'],
    });
    // The fold's marks are already the maxima; raising keeps a higher one another writer stored.
    await raiseMarks(trx, this.marks);
  }
}

/** The index of the first commit above `position` in commits sorted by position. */
function firstAbove(commits: CommitRow[], position: number): number {
  let low = 0;
  let high = commits.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (commits[middle].position > position) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** A failing deployment waiting for the next success: one already stored, or one of the batch. */
type Failing = { finishedAt: number; recover(at: number): void };

/** The deployment before the next one in the environment, which a rollback marks rolled back. */
type Previous = Failing & {
  failing: boolean;
  rolledBack: boolean;
  markRolledBack(): void;
};

/** The stored latest deployment as a `Previous`, when the history holds it. */
function storedPrevious(
  writes: DeliveryWrites,
  history: EnvironmentHistory,
): Previous | undefined {
  const stored = history.previous;
  if (!stored) return undefined;
  return {
    finishedAt: stored.finishedAt,
    failing: stored.failed || stored.rolledBack,
    rolledBack: stored.rolledBack,
    markRolledBack: () => writes.rolledBack.push(stored.deploymentId),
    recover: at => writes.recoveries.set(stored.deploymentId, at),
  };
}

/** One (environment, component)'s deployments, in time order, as `recordFinished` would fold them. */
class GroupFold {
  private failing: Failing[];
  private markMoved = false;
  private mark?: { position: number; deployedAt: number };
  private previous?: Previous;

  constructor(
    private readonly writes: DeliveryWrites,
    private readonly buckets: BucketDeltas,
    history: EnvironmentHistory,
    unrecovered: Unrecovered[],
    private readonly commits: CommitRow[],
  ) {
    this.mark = history.mark;
    this.previous = storedPrevious(writes, history);
    this.failing = unrecovered.map(stored => ({
      finishedAt: stored.finishedAt,
      recover: at =>
        writes.recoveries.set(stored.deploymentId as string | number, at),
    }));
  }

  fold(row: FinishedDeployment, release: ReleaseFacts) {
    const finished: FinishedInsert = {
      deployment_id: row.id,
      ...inEnvironment(row),
      version: row.version,
      status: row.status,
      finished_at: row.finished_at,
      was_rollback: Boolean(row.rollback),
      rolled_back: false,
      hotfix: release.hotfix,
      recovered_at: null,
    };
    const failed = row.status === 'failed';
    this.writes.finished.push(finished);
    this.buckets.finished(row, row.finished_at, {
      succeeded: !failed,
      failing: failed,
      rework: release.hotfix || Boolean(row.rollback),
    });
    const before = this.previous;
    this.previous = {
      finishedAt: row.finished_at,
      failing: failed,
      rolledBack: false,
      markRolledBack: () => {
        finished.rolled_back = true;
      },
      recover: at => {
        finished.recovered_at = at;
      },
    };
    if (failed) {
      this.failing.push(this.previous);
      return;
    }
    if (row.rollback && before) {
      this.markRolledBack(row, before);
    }
    // A success recovers every failing deployment since the success before it.
    for (const failing of this.failing) {
      failing.recover(row.finished_at);
      this.buckets.recovered(
        row,
        failing.finishedAt,
        row.finished_at - failing.finishedAt,
      );
    }
    this.failing = [];
    if (release.position !== undefined) {
      this.deliver(row, release.position);
    }
  }

  /** A successful rollback marks the deployment before it rolled back: failing, until recovered. */
  private markRolledBack(row: FinishedDeployment, previous: Previous) {
    if (previous.rolledBack) return;
    previous.rolledBack = true;
    previous.markRolledBack();
    if (!previous.failing) {
      // A success rolled back: it fails now, and is the one failing deployment since the last success (itself).
      previous.failing = true;
      this.buckets.markedFailing(row, previous.finishedAt);
      this.failing.push(previous);
    }
  }

  /** The commits above the mark up to the release's position end their lead time at this success. */
  private deliver(row: FinishedDeployment, position: number) {
    const at = row.finished_at;
    const high = this.mark?.position ?? 0;
    for (
      let i = firstAbove(this.commits, high);
      i < this.commits.length && this.commits[i].position <= position;
      i++
    ) {
      const commit = this.commits[i];
      // A commit time after the deployment (a skewed clock) counts as a lead time of zero.
      const startedAt = Math.min(commit.started_at, at);
      this.writes.leadTimes.push({
        ...inEnvironment(row),
        sha: commit.sha,
        position: commit.position,
        started_at: startedAt,
        deployed_at: at,
        deployment_id: row.id,
      });
      this.buckets.delivered(row, at, at - startedAt);
    }
    this.markMoved = true;
    this.mark = {
      position: Math.max(position, high),
      deployedAt: Math.max(at, this.mark?.deployedAt ?? at),
    };
  }

  /** The lead-time mark, when a success of the batch moved it. */
  finish(pair: { entity_ref: string; environment: string }) {
    if (this.mark && this.markMoved) {
      this.writes.marks.push({
        ...inEnvironment(pair),
        position: this.mark.position,
        deployed_at: this.mark.deployedAt,
      });
    }
  }
}

/**
 * Folds the groups that `extendsInOrder` accepted: reads their failing deployments and deliverable
 * commits, then writes every delivery fact and what it adds to the buckets in bulk.
 */
export async function foldInOrder(
  trx: Knex.Transaction,
  groups: DeliveryGroup[],
  histories: Map<string, EnvironmentHistory>,
  facts: Map<FinishedDeployment, ReleaseFacts>,
): Promise<void> {
  if (!groups.length) {
    return;
  }
  const unrecovered = await loadUnrecovered(trx, groups, histories);
  const commits = await loadCommits(trx, groups, histories, facts);
  const writes = new DeliveryWrites();
  const buckets = new BucketDeltas();
  for (const group of groups) {
    const fold = new GroupFold(
      writes,
      buckets,
      histories.get(group.key) ?? {},
      unrecovered.get(group.key) ?? [],
      commits.get(group.rows[0].entity_ref) ?? [],
    );
    for (const row of group.rows) {
      fold.fold(row, facts.get(row)!);
    }
    fold.finish(group.rows[0]);
  }
  await writes.flush(trx);
  await buckets.flush(trx);
}
