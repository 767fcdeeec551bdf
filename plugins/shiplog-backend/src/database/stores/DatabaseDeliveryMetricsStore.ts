import { Knex } from 'knex';
import { chunks } from '../ledger/batch';
import { TABLES } from '../tables';
import { bucketOf, listOf, weekStartOf } from '../weeks';
import { summarizeFacts, summarizeInPostgres } from './deliverySummary';
import { Range, inRanges, partsOf } from './deliveryWindowParts';
import {
  DeliveryMetricsStore,
  DeliverySummary,
  DeliveryWeekFacts,
  DeliveryWindow,
} from './types';

/** Components per statement: well below both databases' bound-parameter limits. */
const COMPONENTS_PER_STATEMENT = 1000;

const numbersOf = (list: unknown) =>
  list ? String(list).split(',').map(Number) : [];

/** The weeks being summed, created on first use. */
class WeekFacts {
  private readonly weeks = new Map<number, DeliveryWeekFacts>();

  of(time: number): DeliveryWeekFacts {
    const weekStart = weekStartOf(time);
    let week = this.weeks.get(weekStart);
    if (!week) {
      week = {
        weekStart,
        total: 0,
        succeeded: 0,
        failing: 0,
        rework: 0,
        leadTimes: [],
        recoveries: [],
      };
      this.weeks.set(weekStart, week);
    }
    return week;
  }

  list(): DeliveryWeekFacts[] {
    return [...this.weeks.values()].sort((a, b) => a.weekStart - b.weekStart);
  }
}

const truthy = (value: unknown) => value === true || Number(value) === 1;

/**
 * DORA's inputs from the delivery buckets ingest keeps (`shiplog_delivery_buckets`): for a group over a
 * quarter, about components × weeks rows of one indexed statement, plus the rows of the window's
 * ragged ends from `shiplog_finished_deployments` and `shiplog_commit_lead_times`. On PostgreSQL the
 * summary DORA shows is computed in the database (one statement, medians included); elsewhere from
 * the weekly facts in JavaScript.
 */
export class DatabaseDeliveryMetricsStore implements DeliveryMetricsStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  async summarize(window: DeliveryWindow): Promise<DeliverySummary> {
    if (this.isPostgres && window.entityRefs.length) {
      return summarizeInPostgres(this.db, window, partsOf(window));
    }
    return summarizeFacts(await this.weeklyFacts(window));
  }

  async weeklyFacts(window: DeliveryWindow): Promise<DeliveryWeekFacts[]> {
    const facts = new WeekFacts();
    if (!window.entityRefs.length) {
      return [];
    }
    const parts = partsOf(window);
    await Promise.all(
      chunks(window.entityRefs, COMPONENTS_PER_STATEMENT).flatMap(refs => [
        this.addBuckets(facts, window.environment, refs, parts),
        ...(parts.rows.length
          ? [
              this.addFinished(facts, window.environment, refs, parts.rows),
              this.addLeadTimes(facts, window.environment, refs, parts.rows),
            ]
          : []),
      ]),
    );
    return facts.list();
  }

  private async addBuckets(
    facts: WeekFacts,
    environment: string,
    entityRefs: string[],
    parts: { weeks: Range[]; days: Range[] },
  ) {
    if (!parts.weeks.length && !parts.days.length) {
      return;
    }
    // Summed per week by the database: a few rows leave it instead of components × weeks.
    const week = bucketOf('bucket_start', 7);
    const sum = (column: string) => this.db.raw(`SUM(${column})`);
    const list = (column: string) =>
      this.db.raw(listOf(this.db, `NULLIF(${column}, '')`));
    const rows: Array<Record<string, unknown>> = await this.db(
      TABLES.deliveryBuckets,
    )
      .where('environment', environment)
      .whereIn('entity_ref', entityRefs)
      .where(query => {
        for (const [spanDays, ranges] of [
          [7, parts.weeks],
          [1, parts.days],
        ] as const) {
          if (ranges.length) {
            query.orWhere(q =>
              q
                .where('span_days', spanDays)
                .where(inRanges('bucket_start', ranges)),
            );
          }
        }
      })
      .select({
        week: this.db.raw(week),
        total: sum('total'),
        succeeded: sum('succeeded'),
        failing: sum('failing'),
        rework: sum('rework'),
        recoveries: list('recoveries'),
        lead_times: list('lead_times'),
      })
      .groupByRaw(week);
    for (const row of rows) {
      const summed = facts.of(Number(row.week));
      summed.total += Number(row.total);
      summed.succeeded += Number(row.succeeded);
      summed.failing += Number(row.failing);
      summed.rework += Number(row.rework);
      for (const ms of numbersOf(row.recoveries)) summed.recoveries.push(ms);
      for (const ms of numbersOf(row.lead_times)) summed.leadTimes.push(ms);
    }
  }

  private async addFinished(
    facts: WeekFacts,
    environment: string,
    entityRefs: string[],
    ranges: Range[],
  ) {
    const rows: Array<Record<string, unknown>> = await this.db(
      TABLES.finishedDeployments,
    )
      .where('environment', environment)
      .whereIn('entity_ref', entityRefs)
      .where(inRanges('finished_at', ranges))
      .select(
        'status',
        'finished_at',
        'was_rollback',
        'rolled_back',
        'hotfix',
        'recovered_at',
      );
    for (const row of rows) {
      const week = facts.of(Number(row.finished_at));
      const failing = row.status === 'failed' || truthy(row.rolled_back);
      week.total += 1;
      week.succeeded += row.status === 'succeeded' ? 1 : 0;
      week.failing += failing ? 1 : 0;
      week.rework += truthy(row.was_rollback) || truthy(row.hotfix) ? 1 : 0;
      if (failing && row.recovered_at !== null) {
        week.recoveries.push(
          Number(row.recovered_at) - Number(row.finished_at),
        );
      }
    }
  }

  private async addLeadTimes(
    facts: WeekFacts,
    environment: string,
    entityRefs: string[],
    ranges: Range[],
  ) {
    const rows: Array<{ deployed_at: unknown; started_at: unknown }> =
      await this.db(TABLES.commitLeadTimes)
        .where('environment', environment)
        .whereIn('entity_ref', entityRefs)
        .where(inRanges('deployed_at', ranges))
        .select('deployed_at', 'started_at');
    for (const row of rows) {
      facts
        .of(Number(row.deployed_at))
        .leadTimes.push(Number(row.deployed_at) - Number(row.started_at));
    }
  }
}
