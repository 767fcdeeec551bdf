import { Knex } from 'knex';
import { TABLES } from '../tables';
import { bucketOf, median } from '../weeks';
import { Range, WindowParts } from './deliveryWindowParts';
import {
  DeliverySummary,
  DeliveryWeekFacts,
  DeliveryWindow,
  DurationMedian,
} from './types';

const durationsOf = (values: number[]): DurationMedian => ({
  median: median(values),
  samples: values.length,
});

/** Weekly facts summed in JavaScript: the path for databases without ordered-set aggregates. */
export function summarizeFacts(weeks: DeliveryWeekFacts[]): DeliverySummary {
  const leadTimes: number[] = [];
  const recoveries: number[] = [];
  for (const week of weeks) {
    for (const ms of week.leadTimes) leadTimes.push(ms);
    for (const ms of week.recoveries) recoveries.push(ms);
  }
  return {
    weeks: weeks.map(week => ({
      weekStart: week.weekStart,
      total: week.total,
      succeeded: week.succeeded,
      failing: week.failing,
      rework: week.rework,
      leadTimeMedian: median(week.leadTimes),
    })),
    leadTimes: durationsOf(leadTimes),
    recoveries: durationsOf(recoveries),
  };
}

/** SQL and its bindings, built up in order. */
class Statement {
  readonly bindings: unknown[] = [];

  bind(...values: unknown[]): string {
    this.bindings.push(...values);
    return values.map(() => '?').join(', ');
  }

  ranges(column: string, ranges: Range[]): string {
    return ranges
      .map(
        ([a, b]) =>
          `(${column} >= ${this.bind(a)} AND ${column} < ${this.bind(b)})`,
      )
      .join(' OR ');
  }
}

const FAILING = `(status = 'failed' OR rolled_back)`;

/** The window's facts, one row per bucket or (at the ragged ends) per finished deployment or commit. */
function factsSql(s: Statement, window: DeliveryWindow, parts: WindowParts) {
  const scope = () =>
    `environment = ${s.bind(window.environment)} AND entity_ref = ANY(${s.bind(
      window.entityRefs,
    )})`;
  const selects: string[] = [];
  const spans = (
    [
      [7, parts.weeks],
      [1, parts.days],
    ] as const
  ).filter(([, ranges]) => ranges.length);
  if (spans.length) {
    selects.push(`
      SELECT ${bucketOf(
        'bucket_start',
        7,
      )} AS week, total, succeeded, failing, rework,
        recoveries, lead_times
      FROM ${TABLES.deliveryBuckets}
      WHERE ${scope()} AND (${spans
      .map(
        ([spanDays, ranges]) =>
          `(span_days = ${spanDays} AND (${s.ranges('bucket_start', ranges)}))`,
      )
      .join(' OR ')})`);
  }
  if (parts.rows.length) {
    selects.push(`
      SELECT ${bucketOf('finished_at', 7)}, 1,
        CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END,
        CASE WHEN ${FAILING} THEN 1 ELSE 0 END,
        CASE WHEN was_rollback OR hotfix THEN 1 ELSE 0 END,
        CASE WHEN ${FAILING} AND recovered_at IS NOT NULL
          THEN CAST(recovered_at - finished_at AS TEXT) ELSE '' END, ''
      FROM ${TABLES.finishedDeployments}
      WHERE ${scope()} AND (${s.ranges('finished_at', parts.rows)})`);
    selects.push(`
      SELECT ${bucketOf('deployed_at', 7)}, 0, 0, 0, 0, '',
        CAST(deployed_at - started_at AS TEXT)
      FROM ${TABLES.commitLeadTimes}
      WHERE ${scope()} AND (${s.ranges('deployed_at', parts.rows)})`);
  }
  return selects.join(' UNION ALL ');
}

const unnested = (list: string) => `
  SELECT week, CAST(ms AS BIGINT) AS ms
  FROM facts, unnest(string_to_array(NULLIF(${list}, ''), ',')) AS ms`;

/**
 * The summary in one PostgreSQL statement: the facts are summed per week and the medians taken by
 * `percentile_cont` (the mean of the two middle values, as `median` does) where the lists are, so a
 * quarter of a large group sends a few rows to Node.js instead of every lead time.
 */
export async function summarizeInPostgres(
  db: Knex,
  window: DeliveryWindow,
  parts: WindowParts,
): Promise<DeliverySummary> {
  const s = new Statement();
  const facts = factsSql(s, window, parts);
  const rows: Array<Record<string, unknown>> = (
    await db.raw(
      `WITH facts (week, total, succeeded, failing, rework, recoveries, lead_times)
        AS MATERIALIZED (${facts}),
        lead_ms AS (${unnested('lead_times')}),
        recovery_ms AS (${unnested('recoveries')})
      SELECT 'week' AS kind, week, SUM(total) AS total, SUM(succeeded) AS succeeded,
        SUM(failing) AS failing, SUM(rework) AS rework, NULL::float8 AS median, 0 AS samples
      FROM facts GROUP BY week
      UNION ALL
      SELECT 'lead', week, 0, 0, 0, 0,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), COUNT(*)
      FROM lead_ms GROUP BY GROUPING SETS ((week), ())
      UNION ALL
      SELECT 'recovery', NULL, 0, 0, 0, 0,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), COUNT(*)
      FROM recovery_ms`,
      s.bindings,
    )
  ).rows;
  return summaryFromRows(rows);
}

function summaryFromRows(
  rows: Array<Record<string, unknown>>,
): DeliverySummary {
  const orNull = (value: unknown) => (value === null ? null : Number(value));
  const weekMedians = new Map<number, number | null>();
  const summary: DeliverySummary = {
    weeks: [],
    leadTimes: { median: null, samples: 0 },
    recoveries: { median: null, samples: 0 },
  };
  for (const row of rows) {
    const durations = {
      median: orNull(row.median),
      samples: Number(row.samples),
    };
    if (row.kind === 'week') {
      summary.weeks.push({
        weekStart: Number(row.week),
        total: Number(row.total),
        succeeded: Number(row.succeeded),
        failing: Number(row.failing),
        rework: Number(row.rework),
        leadTimeMedian: null,
      });
    } else if (row.kind === 'recovery') {
      summary.recoveries = durations;
    } else if (row.week === null) {
      summary.leadTimes = durations;
    } else {
      weekMedians.set(Number(row.week), durations.median);
    }
  }
  for (const week of summary.weeks) {
    week.leadTimeMedian = weekMedians.get(week.weekStart) ?? null;
  }
  summary.weeks.sort((a, b) => a.weekStart - b.weekStart);
  return summary;
}
