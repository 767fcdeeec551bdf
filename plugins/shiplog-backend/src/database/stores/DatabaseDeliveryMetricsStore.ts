import { Knex } from 'knex';
import { TABLES } from '../tables';
import { FIRST_MONDAY_MS, WEEK_MS, median } from '../weeks';
import {
  DeliveryMetricsStore,
  DeliveryWindow,
  DeploymentCounts,
  LeadTimeMedians,
  WeeklyDeploymentCounts,
} from './types';

/** SQL for the week (index since the first Monday) a time column falls in; integer division in both databases. */
const weekOf = (column: string) =>
  `((${column} - ${FIRST_MONDAY_MS}) / ${WEEK_MS})`;
const weekStartOfIndex = (week: unknown) =>
  Number(week) * WEEK_MS + FIRST_MONDAY_MS;

type CountRow = {
  week?: unknown;
  total: unknown;
  succeeded: unknown;
  failing: unknown;
  rework: unknown;
};

const countsOf = (row: CountRow | undefined): DeploymentCounts => ({
  total: Number(row?.total ?? 0),
  succeeded: Number(row?.succeeded ?? 0),
  failing: Number(row?.failing ?? 0),
  rework: Number(row?.rework ?? 0),
});

/**
 * DORA's inputs from the delivery read models (`shiplog_finished_deployments`,
 * `shiplog_commit_lead_times`): index ranges of one environment, the covered components and the window;
 * counts and medians are computed by the database where it can.
 */
export class DatabaseDeliveryMetricsStore implements DeliveryMetricsStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  private finishedIn(window: DeliveryWindow) {
    return this.db(TABLES.finishedDeployments)
      .where('environment', window.environment)
      .whereIn('entity_ref', window.entityRefs)
      .where('finished_at', '>=', window.from)
      .where('finished_at', '<', window.to);
  }

  async countDeployments(window: DeliveryWindow): Promise<{
    totals: DeploymentCounts;
    weekly: WeeklyDeploymentCounts[];
  }> {
    if (!window.entityRefs.length) {
      return { totals: countsOf(undefined), weekly: [] };
    }
    const sum = (condition: string) =>
      this.db.raw(`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`);
    const rows: CountRow[] = await this.finishedIn(window)
      .select({
        week: this.db.raw(weekOf('finished_at')),
        total: this.db.raw('COUNT(*)'),
        succeeded: sum(`status = 'succeeded'`),
        failing: sum(`status = 'failed' OR rolled_back`),
        rework: sum('was_rollback OR hotfix'),
      })
      .groupByRaw(weekOf('finished_at'));
    const weekly = rows
      .map(row => ({ weekStart: weekStartOfIndex(row.week), ...countsOf(row) }))
      .sort((a, b) => a.weekStart - b.weekStart);
    const totals = weekly.reduce(
      (acc, week) => ({
        total: acc.total + week.total,
        succeeded: acc.succeeded + week.succeeded,
        failing: acc.failing + week.failing,
        rework: acc.rework + week.rework,
      }),
      countsOf(undefined),
    );
    return { totals, weekly };
  }

  async recoveryTimes(window: DeliveryWindow): Promise<number[]> {
    if (!window.entityRefs.length) {
      return [];
    }
    const rows: Array<{ finished_at: unknown; recovered_at: unknown }> =
      await this.finishedIn(window)
        .where(q => q.where('status', 'failed').orWhere('rolled_back', true))
        .whereNotNull('recovered_at')
        .select('finished_at', 'recovered_at');
    return rows.map(row => Number(row.recovered_at) - Number(row.finished_at));
  }

  async leadTimes(window: DeliveryWindow): Promise<LeadTimeMedians> {
    if (!window.entityRefs.length) {
      return { medianMs: null, samples: 0, weekly: [] };
    }
    const delivered = () =>
      this.db(TABLES.commitLeadTimes)
        .where('environment', window.environment)
        .whereIn('entity_ref', window.entityRefs)
        .where('deployed_at', '>=', window.from)
        .where('deployed_at', '<', window.to);
    if (this.isPostgres) {
      return this.leadTimesOnPostgres(delivered);
    }
    const rows: Array<{ week: unknown; lead: unknown }> =
      await delivered().select({
        week: this.db.raw(weekOf('deployed_at')),
        lead: this.db.raw('deployed_at - started_at'),
      });
    const byWeek = new Map<number, number[]>();
    for (const row of rows) {
      const week = Number(row.week);
      byWeek.set(week, [...(byWeek.get(week) ?? []), Number(row.lead)]);
    }
    return {
      medianMs: median(rows.map(row => Number(row.lead))),
      samples: rows.length,
      weekly: [...byWeek]
        .sort(([a], [b]) => a - b)
        .map(([week, leads]) => ({
          weekStart: weekStartOfIndex(week),
          medianMs: median(leads),
          samples: leads.length,
        })),
    };
  }

  /**
   * On PostgreSQL the medians are the database's: no lead time leaves it. One statement gives each
   * week's median and, as ROLLUP's grand total row, the window's.
   */
  private async leadTimesOnPostgres(
    delivered: () => Knex.QueryBuilder,
  ): Promise<LeadTimeMedians> {
    const week = weekOf('deployed_at');
    const rows: Array<{
      week: unknown;
      overall: unknown;
      median: unknown;
      samples: unknown;
    }> = await delivered()
      .select({
        week: this.db.raw(week),
        overall: this.db.raw(`GROUPING(${week})`),
        median: this.db.raw(
          'percentile_cont(0.5) WITHIN GROUP (ORDER BY deployed_at - started_at)',
        ),
        samples: this.db.raw('COUNT(*)'),
      })
      .groupByRaw(`ROLLUP(${week})`);
    const toMedian = (value: unknown) =>
      value === null || value === undefined ? null : Number(value);
    const total = rows.find(row => Number(row.overall) === 1);
    return {
      medianMs: toMedian(total?.median),
      samples: Number(total?.samples ?? 0),
      weekly: rows
        .filter(row => Number(row.overall) === 0)
        .map(row => ({
          weekStart: weekStartOfIndex(row.week),
          medianMs: toMedian(row.median),
          samples: Number(row.samples),
        }))
        .sort((a, b) => a.weekStart - b.weekStart),
    };
  }
}
