import { Knex } from 'knex';
import { TABLES } from '../tables';
import { WEEK_MS, bucketOf, listOf, weekStartOf } from '../weeks';
import { chunks, keyOf } from './batch';

const BUCKETS = TABLES.deliveryBuckets;

/** The times of one component's environment whose delivery facts a batch changed. */
interface TouchedSpan {
  environment: string;
  entityRef: string;
  from: number;
  to: number;
}

/**
 * Collects, while the delivery metrics are projected, which times of which (environment, component)
 * changed: new finished deployments, the one a rollback marked, the failing ones a success recovered,
 * the lead times a late success moved back.
 */
export class TouchedDeliveryTimes {
  private readonly spans = new Map<string, TouchedSpan>();

  add(at: { entity_ref: string; environment: string }, time: number) {
    const key = keyOf(at.environment, at.entity_ref);
    const span = this.spans.get(key);
    if (span) {
      span.from = Math.min(span.from, time);
      span.to = Math.max(span.to, time);
    } else {
      this.spans.set(key, {
        environment: at.environment,
        entityRef: at.entity_ref,
        from: time,
        to: time,
      });
    }
  }

  list(): TouchedSpan[] {
    return [...this.spans.values()];
  }
}

/** Spans per statement: four bound values each. */
const SPANS_PER_STATEMENT = 200;

/** The spans as a common table expression (`spans`), with their bindings. */
function spansCte(spans: TouchedSpan[]) {
  const rows = spans.map(() => '(?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))');
  return {
    sql: `WITH spans (environment, entity_ref, span_from, span_to) AS (VALUES ${rows.join(
      ', ',
    )})`,
    bindings: spans.flatMap(span => [
      span.environment,
      span.entityRef,
      span.from,
      span.to,
    ]),
  };
}

/**
 * `table`'s rows whose time `column` falls in a span of its environment and component. The spans are
 * joined with CROSS JOIN, which SQLite keeps as the outer loop (so each span is an index range);
 * PostgreSQL plans it like any inner join.
 */
const inSpan = (table: string, column: string) =>
  `spans.environment = ${table}.environment AND spans.entity_ref = ${table}.entity_ref
   AND ${table}.${column} >= spans.span_from AND ${table}.${column} < spans.span_to`;

/**
 * Per (environment, component, day or week) in the spans: the counts of finished deployments, the
 * recovery times of the failing ones that recovered, and the lead times of the commits first
 * delivered, as comma-separated lists (medians need every value). Two statements for all the spans:
 * the deployments' facts, then the lead times merged into the same rows.
 */
async function insertBuckets(
  trx: Knex | Knex.Transaction,
  spanDays: 1 | 7,
  cte: { sql: string; bindings: Array<string | number> },
) {
  const finished = bucketOf('f.finished_at', spanDays);
  const failing = `(f.status = 'failed' OR f.rolled_back)`;
  await trx.raw(
    `${cte.sql}
     INSERT INTO ${BUCKETS} (environment, entity_ref, span_days, bucket_start,
       total, succeeded, failing, rework, recoveries, lead_times)
     SELECT f.environment, f.entity_ref, ${spanDays}, ${finished}, COUNT(*),
       SUM(CASE WHEN f.status = 'succeeded' THEN 1 ELSE 0 END),
       SUM(CASE WHEN ${failing} THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.was_rollback OR f.hotfix THEN 1 ELSE 0 END),
       COALESCE(${listOf(
         trx,
         `CASE WHEN ${failing} AND f.recovered_at IS NOT NULL THEN f.recovered_at - f.finished_at END`,
       )}, ''), ''
     FROM ${TABLES.finishedDeployments} f JOIN spans ON ${inSpan(
      'f',
      'finished_at',
    )}
     GROUP BY f.environment, f.entity_ref, ${finished}`,
    cte.bindings,
  );
  const deployed = bucketOf('l.deployed_at', spanDays);
  await trx.raw(
    `${cte.sql}
     INSERT INTO ${BUCKETS} (environment, entity_ref, span_days, bucket_start, lead_times)
     SELECT l.environment, l.entity_ref, ${spanDays}, ${deployed},
       ${listOf(trx, 'l.deployed_at - l.started_at')}
     FROM ${TABLES.commitLeadTimes} l JOIN spans ON ${inSpan(
      'l',
      'deployed_at',
    )}
     GROUP BY l.environment, l.entity_ref, ${deployed}
     ON CONFLICT (environment, entity_ref, span_days, bucket_start)
     DO UPDATE SET lead_times = excluded.lead_times`,
    cte.bindings,
  );
}

/**
 * DORA's buckets of the (environment, component) pairs a batch touched, rebuilt from the delivery
 * read models over the whole weeks the changed times fall in, in the ingest transaction: five
 * statements for up to 200 pairs. A week of one component is a few index ranges; an out-of-order
 * report widens the weeks rebuilt.
 */
export async function projectDeliveryBuckets(
  trx: Knex.Transaction,
  touched: TouchedDeliveryTimes,
): Promise<void> {
  const weeks = touched.list().map(span => ({
    ...span,
    from: weekStartOf(span.from),
    to: weekStartOf(span.to) + WEEK_MS,
  }));
  for (const part of chunks(weeks, SPANS_PER_STATEMENT)) {
    const cte = spansCte(part);
    await trx.raw(
      `${cte.sql}
       DELETE FROM ${BUCKETS}
       WHERE (environment, entity_ref, span_days, bucket_start) IN (
         SELECT b.environment, b.entity_ref, b.span_days, b.bucket_start
         FROM spans CROSS JOIN ${BUCKETS} b WHERE ${inSpan(
        'b',
        'bucket_start',
      )})`,
      cte.bindings,
    );
    for (const spanDays of [1, 7] as const) {
      await insertBuckets(trx, spanDays, cte);
    }
  }
}
