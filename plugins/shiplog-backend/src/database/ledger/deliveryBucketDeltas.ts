import { Knex } from 'knex';
import { TABLES } from '../tables';
import { DAY_MS, weekStartOf } from '../weeks';
import { keyOf } from './batch';
import { InsertColumn, columnsOf, insertRows } from './insertRows';

const BUCKETS = TABLES.deliveryBuckets;
const BUCKET_COLUMNS: InsertColumn[] = [
  ...columnsOf('text', 'environment', 'entity_ref'),
  ...columnsOf('bigint', 'span_days', 'bucket_start', 'total', 'succeeded'),
  ...columnsOf('bigint', 'failing', 'rework'),
  ...columnsOf('text', 'recoveries', 'lead_times'),
];

interface BucketDelta {
  environment: string;
  entity_ref: string;
  span_days: 1 | 7;
  bucket_start: number;
  total: number;
  succeeded: number;
  failing: number;
  rework: number;
  recoveries: number[];
  lead_times: number[];
}

type Pair = { entity_ref: string; environment: string };

/**
 * What the in-order fold adds to DORA's day and week buckets: deployments counted, recoveries and lead
 * times appended. Deployments folded in time order only ever add to a bucket (a rollback marks the
 * deployment before it failing, which adds one; no time moves), so the buckets take the additions
 * instead of being rebuilt.
 */
export class BucketDeltas {
  private readonly deltas = new Map<string, BucketDelta>();

  /** A newly finished deployment. */
  finished(
    pair: Pair,
    at: number,
    facts: { succeeded: boolean; failing: boolean; rework: boolean },
  ) {
    for (const delta of this.bucketsOf(pair, at)) {
      delta.total += 1;
      delta.succeeded += Number(facts.succeeded);
      delta.failing += Number(facts.failing);
      delta.rework += Number(facts.rework);
    }
  }

  /** A successful deployment that finished at `at`, marked rolled back: it now counts as failing. */
  markedFailing(pair: Pair, at: number) {
    for (const delta of this.bucketsOf(pair, at)) {
      delta.failing += 1;
    }
  }

  /** A failing deployment that finished at `failedAt` recovered `ms` later. */
  recovered(pair: Pair, failedAt: number, ms: number) {
    for (const delta of this.bucketsOf(pair, failedAt)) {
      delta.recoveries.push(ms);
    }
  }

  /** A commit first delivered at `deliveredAt`, `ms` after it was made. */
  delivered(pair: Pair, deliveredAt: number, ms: number) {
    for (const delta of this.bucketsOf(pair, deliveredAt)) {
      delta.lead_times.push(ms);
    }
  }

  private bucketsOf(pair: Pair, at: number): BucketDelta[] {
    const starts = [
      [1, Math.floor(at / DAY_MS) * DAY_MS],
      [7, weekStartOf(at)],
    ] as const;
    return starts.map(([spanDays, start]) => {
      const key = keyOf(pair.environment, pair.entity_ref, spanDays, start);
      let delta = this.deltas.get(key);
      if (!delta) {
        delta = {
          environment: pair.environment,
          entity_ref: pair.entity_ref,
          span_days: spanDays,
          bucket_start: start,
          total: 0,
          succeeded: 0,
          failing: 0,
          rework: 0,
          recoveries: [],
          lead_times: [],
        };
        this.deltas.set(key, delta);
      }
      return delta;
    });
  }

  /** Adds the counts and appends the lists, creating the buckets that do not exist yet. */
  async flush(trx: Knex.Transaction) {
    const rows = [...this.deltas.values()].map(delta => ({
      ...delta,
      recoveries: delta.recoveries.join(','),
      lead_times: delta.lead_times.join(','),
    }));
    const sum = (column: string) => `${BUCKETS}.${column} + excluded.${column}`;
    const append = (column: string) =>
      `CASE WHEN excluded.${column} = '' THEN ${BUCKETS}.${column}
       WHEN ${BUCKETS}.${column} = '' THEN excluded.${column}
       ELSE ${BUCKETS}.${column} || ',' || excluded.${column} END`;
    await insertRows(trx, {
      table: BUCKETS,
      columns: BUCKET_COLUMNS,
      rows,
      chunk: 200,
      conflict: ['environment', 'entity_ref', 'span_days', 'bucket_start'],
      merge: {
        total: sum('total'),
        succeeded: sum('succeeded'),
        failing: sum('failing'),
        rework: sum('rework'),
        recoveries: append('recoveries'),
        lead_times: append('lead_times'),
      },
    });
  }
}
