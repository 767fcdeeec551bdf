import { Knex } from 'knex';
import { TABLES } from '../tables';
import { chunks, keyOf } from './batch';
import { FinishedDeployment, ReleaseFacts } from './deliveryFacts';
import { TupleColumn, selectOverTuples } from './statements';

/*
 * What `deliveryInOrder` reads before it folds a batch's finished deployments in memory: per
 * (environment, component) the latest finish and success, the lead-time mark, the failing
 * deployments not yet recovered, and the commits the batch's successes may deliver. A few statements
 * per batch, each a set of index ranges.
 */

const FINISHED = TABLES.finishedDeployments;
const MARKS = TABLES.leadTimeMarks;
/** (environment, component) pairs per statement: four bound values each. */
const PAIRS_PER_STATEMENT = 200;

/** The stored deployment a rollback at the start of a batch's group marks rolled back. */
export interface StoredPrevious {
  deploymentId: string | number;
  failed: boolean;
  rolledBack: boolean;
  finishedAt: number;
}

/** What the database holds for an (environment, component) before the batch. */
export interface EnvironmentHistory {
  latestFinishedAt?: number;
  latestSuccessAt?: number;
  mark?: { position: number; deployedAt: number };
  /**
   * The latest finished deployment, loaded only when the group starts with a successful rollback
   * (which marks it rolled back); left out when two share its finish time.
   */
  previous?: StoredPrevious;
}

/** The batch's finished deployments of one (environment, component), in time order. */
export interface DeliveryGroup {
  /** `pairKey` of the rows. */
  key: string;
  rows: FinishedDeployment[];
}

export const pairKey = (row: { environment: string; entity_ref: string }) =>
  keyOf(row.environment, row.entity_ref);

const PAIR: TupleColumn[] = [
  { name: 'environment', type: 'text' },
  { name: 'entity_ref', type: 'text' },
];
const PAIR_SINCE: TupleColumn[] = [...PAIR, { name: 'since', type: 'bigint' }];
/** A component's commit positions above `low`, up to `high`. */
const RANGE: TupleColumn[] = [
  { name: 'entity_ref', type: 'text' },
  { name: 'low', type: 'bigint' },
  { name: 'high', type: 'bigint' },
];

/** Runs `select` over the (environment, component) tuples as the table expression `pairs`. */
async function queryPairs<Row = RawRow>(
  trx: Knex.Transaction,
  name: string,
  columns: TupleColumn[],
  tuples: Knex.Value[][],
  select: string,
): Promise<{ rows: Row[] }> {
  return {
    rows: await selectOverTuples<Row>(
      trx,
      { name, tuples: 'pairs' },
      columns,
      tuples,
      select,
    ),
  };
}

type RawRow = Record<string, unknown> & {
  environment: string;
  entity_ref: string;
};

const numberOrUndefined = (value: unknown) =>
  value === null || value === undefined ? undefined : Number(value);

export async function loadHistories(
  trx: Knex.Transaction,
  groups: DeliveryGroup[],
): Promise<Map<string, EnvironmentHistory>> {
  const histories = new Map<string, EnvironmentHistory>();
  const firsts = groups.map(group => group.rows[0]);
  for (const part of chunks(firsts, PAIRS_PER_STATEMENT)) {
    // Scalar subqueries: each is the end of one index range (environment, component, finished_at).
    const latest = (condition: string) =>
      `(SELECT MAX(f.finished_at) FROM ${FINISHED} f WHERE f.environment = pairs.environment
        AND f.entity_ref = pairs.entity_ref${condition})`;
    // The pair's lead-time mark joined by its primary key: one statement for all a history holds.
    const { rows } = await queryPairs(
      trx,
      'histories_v1',
      PAIR,
      part.map(row => [row.environment, row.entity_ref]),
      `SELECT pairs.environment, pairs.entity_ref, ${latest(
        '',
      )} AS latest_finished,
         ${latest(` AND f.status = 'succeeded'`)} AS latest_success,
         m.position AS mark_position, m.deployed_at AS mark_deployed_at
       FROM pairs LEFT JOIN ${MARKS} m ON m.entity_ref = pairs.entity_ref
         AND m.environment = pairs.environment`,
    );
    for (const row of rows) {
      const markPosition = numberOrUndefined(row.mark_position);
      histories.set(pairKey(row), {
        latestFinishedAt: numberOrUndefined(row.latest_finished),
        latestSuccessAt: numberOrUndefined(row.latest_success),
        ...(markPosition === undefined
          ? {}
          : {
              mark: {
                position: markPosition,
                deployedAt: Number(row.mark_deployed_at),
              },
            }),
      });
    }
  }
  await loadPrevious(trx, groups, histories);
  return histories;
}

const startsWithRollback = (group: DeliveryGroup) =>
  Boolean(group.rows[0].rollback) && group.rows[0].status === 'succeeded';

/** The stored deployment before each group that starts with a successful rollback. */
async function loadPrevious(
  trx: Knex.Transaction,
  groups: DeliveryGroup[],
  histories: Map<string, EnvironmentHistory>,
) {
  const firsts = groups
    .filter(
      group =>
        startsWithRollback(group) &&
        histories.get(group.key)?.latestFinishedAt !== undefined,
    )
    .map(group => group.rows[0]);
  for (const part of chunks(firsts, PAIRS_PER_STATEMENT)) {
    const { rows } = await queryPairs(
      trx,
      'previous_finished_v1',
      PAIR_SINCE,
      part.map(row => [
        row.environment,
        row.entity_ref,
        histories.get(pairKey(row))!.latestFinishedAt!,
      ]),
      `SELECT f.environment, f.entity_ref, f.deployment_id, f.status, f.rolled_back, f.finished_at
       FROM ${FINISHED} f JOIN pairs ON f.environment = pairs.environment
         AND f.entity_ref = pairs.entity_ref AND f.finished_at = pairs.since`,
    );
    const atLatest = new Map<string, RawRow[]>();
    for (const row of rows) {
      atLatest.set(pairKey(row), [...(atLatest.get(pairKey(row)) ?? []), row]);
    }
    for (const [key, [row, ...tied]] of atLatest) {
      // Which of two deployments finishing at one instant is "before" is the database's ordering: left to it.
      if (tied.length) continue;
      histories.get(key)!.previous = {
        deploymentId: row.deployment_id as string | number,
        failed: row.status === 'failed',
        rolledBack: Boolean(Number(row.rolled_back)),
        finishedAt: Number(row.finished_at),
      };
    }
  }
}

/** Whether the group extends what the database holds strictly in time order. */
export function extendsInOrder(
  group: DeliveryGroup,
  history: EnvironmentHistory,
) {
  if (
    startsWithRollback(group) &&
    history.latestFinishedAt !== undefined &&
    !history.previous
  ) {
    return false;
  }
  let previous = Math.max(
    history.latestFinishedAt ?? -Infinity,
    history.mark?.deployedAt ?? -Infinity,
  );
  for (const row of group.rows) {
    if (row.finished_at <= previous) {
      return false;
    }
    previous = row.finished_at;
  }
  return true;
}

/** A failed or rolled-back deployment no success recovered yet. */
export interface Unrecovered {
  deploymentId: unknown;
  finishedAt: number;
}

/** Failed or rolled-back deployments since each pair's latest success that no success recovered yet. */
export async function loadUnrecovered(
  trx: Knex.Transaction,
  groups: DeliveryGroup[],
  histories: Map<string, EnvironmentHistory>,
): Promise<Map<string, Unrecovered[]>> {
  const unrecovered = new Map<string, Unrecovered[]>();
  const firsts = groups.map(group => group.rows[0]);
  for (const part of chunks(firsts, PAIRS_PER_STATEMENT)) {
    const { rows } = await queryPairs(
      trx,
      'unrecovered_v1',
      PAIR_SINCE,
      part.map(row => [
        row.environment,
        row.entity_ref,
        histories.get(pairKey(row))?.latestSuccessAt ?? -1,
      ]),
      `SELECT f.environment, f.entity_ref, f.deployment_id, f.finished_at
       FROM ${FINISHED} f JOIN pairs ON f.environment = pairs.environment
         AND f.entity_ref = pairs.entity_ref AND f.finished_at >= pairs.since
       WHERE (f.status = 'failed' OR f.rolled_back) AND f.recovered_at IS NULL`,
    );
    for (const row of rows) {
      const list = unrecovered.get(pairKey(row)) ?? [];
      list.push({
        deploymentId: row.deployment_id,
        finishedAt: Number(row.finished_at),
      });
      unrecovered.set(pairKey(row), list);
    }
  }
  return unrecovered;
}

export interface CommitRow {
  entity_ref: string;
  sha: string;
  position: number;
  started_at: number;
}

/** The commits each component may deliver, by position: above its lowest mark, up to its highest release. */
export async function loadCommits(
  trx: Knex.Transaction,
  groups: DeliveryGroup[],
  histories: Map<string, EnvironmentHistory>,
  facts: Map<FinishedDeployment, ReleaseFacts>,
): Promise<Map<string, CommitRow[]>> {
  const ranges = new Map<string, { low: number; high: number }>();
  for (const group of groups) {
    const low = histories.get(group.key)?.mark?.position ?? 0;
    for (const row of group.rows) {
      const position = facts.get(row)?.position;
      if (row.status !== 'succeeded' || position === undefined) continue;
      if (position <= low) continue;
      const range = ranges.get(row.entity_ref) ?? { low, high: position };
      range.low = Math.min(range.low, low);
      range.high = Math.max(range.high, position);
      ranges.set(row.entity_ref, range);
    }
  }
  const commits = new Map<string, CommitRow[]>();
  for (const part of chunks([...ranges.entries()], PAIRS_PER_STATEMENT)) {
    // CROSS JOIN keeps the ranges the outer loop on SQLite: each is one index range of commits.
    const { rows } = await queryPairs<{
      entity_ref: string;
      sha: string;
      position: unknown;
      committed_at: unknown;
      git_committed_at: unknown;
    }>(
      trx,
      'commit_ranges_v1',
      RANGE,
      part.map(([entityRef, { low, high }]) => [entityRef, low, high]),
      `SELECT c.entity_ref, c.sha, c.position, c.committed_at, c.git_committed_at
       FROM pairs CROSS JOIN ${TABLES.commits} c
       WHERE c.entity_ref = pairs.entity_ref AND c.position > pairs.low
         AND c.position <= pairs.high`,
    );
    for (const row of rows) {
      const list = commits.get(row.entity_ref) ?? [];
      list.push({
        entity_ref: row.entity_ref,
        sha: row.sha,
        position: Number(row.position),
        started_at: Number(row.git_committed_at ?? row.committed_at),
      });
      commits.set(row.entity_ref, list);
    }
  }
  for (const list of commits.values()) {
    list.sort((a, b) => a.position - b.position);
  }
  return commits;
}
