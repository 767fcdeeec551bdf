import { Knex } from 'knex';
import { TABLES } from '../tables';
import { WEEK_MS, bucketOf, listOf, weekStartOf } from '../weeks';
import { keyOf } from './batch';

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

/**
 * Per (environment, component, day or week) where `filter` holds: the counts of finished deployments,
 * the recovery times of the failing ones that recovered, and the lead times of the commits first
 * delivered, as comma-separated lists (medians need every value). Two statements per span: the
 * deployments' facts, then the lead times merged into the same rows.
 */
async function insertBuckets(
  trx: Knex | Knex.Transaction,
  spanDays: 1 | 7,
  filter: (column: string) => string,
  bindings: Array<string | number>,
) {
  const finished = bucketOf('finished_at', spanDays);
  const failing = `(status = 'failed' OR rolled_back)`;
  await trx.raw(
    `INSERT INTO ${BUCKETS} (environment, entity_ref, span_days, bucket_start,
       total, succeeded, failing, rework, recoveries, lead_times)
     SELECT environment, entity_ref, ${spanDays}, ${finished}, COUNT(*),
       SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END),
       SUM(CASE WHEN ${failing} THEN 1 ELSE 0 END),
       SUM(CASE WHEN was_rollback OR hotfix THEN 1 ELSE 0 END),
       COALESCE(${listOf(
         trx,
         `CASE WHEN ${failing} AND recovered_at IS NOT NULL THEN recovered_at - finished_at END`,
       )}, ''), ''
     FROM ${TABLES.finishedDeployments} WHERE ${filter('finished_at')}
     GROUP BY environment, entity_ref, ${finished}`,
    bindings,
  );
  const deployed = bucketOf('deployed_at', spanDays);
  await trx.raw(
    `INSERT INTO ${BUCKETS} (environment, entity_ref, span_days, bucket_start, lead_times)
     SELECT environment, entity_ref, ${spanDays}, ${deployed},
       ${listOf(trx, 'deployed_at - started_at')}
     FROM ${TABLES.commitLeadTimes} WHERE ${filter('deployed_at')}
     GROUP BY environment, entity_ref, ${deployed}
     ON CONFLICT (environment, entity_ref, span_days, bucket_start)
     DO UPDATE SET lead_times = excluded.lead_times`,
    bindings,
  );
}

/**
 * DORA's buckets of the (environment, component) pairs a batch touched, rebuilt from the delivery
 * read models over the whole weeks the changed times fall in, in the ingest transaction. A week of
 * one component is a few index ranges; an out-of-order report widens the weeks rebuilt.
 */
export async function projectDeliveryBuckets(
  trx: Knex.Transaction,
  touched: TouchedDeliveryTimes,
): Promise<void> {
  for (const span of touched.list()) {
    const from = weekStartOf(span.from);
    const to = weekStartOf(span.to) + WEEK_MS;
    await trx(BUCKETS)
      .where({ environment: span.environment, entity_ref: span.entityRef })
      .where('bucket_start', '>=', from)
      .where('bucket_start', '<', to)
      .delete();
    const bindings = [span.environment, span.entityRef, from, to];
    for (const spanDays of [1, 7] as const) {
      await insertBuckets(
        trx,
        spanDays,
        column =>
          `environment = ? AND entity_ref = ? AND ${column} >= ? AND ${column} < ?`,
        bindings,
      );
    }
  }
}
