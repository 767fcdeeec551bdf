import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { computeDora } from '../../ledger/dora';
import { migrationsDir } from '../migrations';
import { ShiplogDatabase } from '../ShiplogDatabase';
import { DeliveryWeekFacts, DeliveryWindow } from '../stores';
import { TABLES } from '../tables';
import { weekStartOf } from '../weeks';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const BUCKETS_MIGRATION = '20261222100000_delivery_buckets.js';

const A = 'component:default/checkout';
const B = 'component:default/cart';
const sha = (n: number) => n.toString(16).padStart(40, 'b');
/** January 2026, UTC; the 5th, 12th and 19th are Mondays. */
const jan = (day: number, hour = 0, minute = 0) =>
  new Date(Date.UTC(2026, 0, day, hour, minute)).toISOString();
const ms = (iso: string) => Date.parse(iso);

let seq = 0;
const event = (fields: Record<string, unknown>) =>
  releaseEventInputSchema.parse({
    id: `d${++seq}`,
    status: 'succeeded',
    ...fields,
  });
const release = (
  entityRef: string,
  version: string,
  n: number,
  occurredAt: string,
  labels: string[] = [],
) =>
  event({
    type: 'release',
    entityRef,
    version,
    commitSha: sha(n),
    occurredAt,
    commits: [
      {
        sha: sha(n),
        timestamp: jan(1, n % 24),
        pullRequest: { number: n, labels },
      },
    ],
  });
const deploy = (
  entityRef: string,
  version: string,
  occurredAt: string,
  status = 'succeeded',
) =>
  event({
    type: 'deploy',
    entityRef,
    version,
    environment: 'prod',
    status,
    occurredAt,
  });

/**
 * Two components over three weeks, reported one event at a time and out of order: failures fixed
 * within the day or days later, a hotfix rolled back, a late report of an earlier success (which
 * moves lead times back and recovers a failure), a re-deploy of the same version.
 */
const HISTORY = [
  release(A, '1.0.0', 1, jan(4, 20)),
  deploy(A, '1.0.0', jan(5, 9)),
  release(A, '1.1.0', 2, jan(6, 1)),
  deploy(A, '1.1.0', jan(6, 10), 'failed'),
  deploy(A, '1.1.0', jan(6, 23, 30)),
  release(A, '1.2.0', 3, jan(8, 1), ['hotfix']),
  deploy(A, '1.2.0', jan(8, 2)),
  deploy(A, '1.1.0', jan(8, 3)), // rollback
  release(A, '1.3.0', 5, jan(12, 6)),
  release(A, '1.4.0', 6, jan(13, 6)),
  deploy(A, '1.4.0', jan(14, 12)),
  deploy(A, '1.3.0', jan(13, 12)), // reported late: delivers commit 5 earlier
  deploy(A, '1.4.0', jan(15, 12)), // the same version again
  deploy(A, '1.4.0', jan(16, 8), 'failed'),
  release(A, '1.5.0', 7, jan(19, 1)),
  deploy(A, '1.5.0', jan(20, 13)),
  release(B, '2.0.0', 8, jan(5, 1)),
  deploy(B, '2.0.0', jan(9, 18), 'failed'),
  deploy(B, '2.0.0', jan(12, 0, 30)),
  release(B, '2.1.0', 9, jan(16, 5)),
  deploy(B, '2.1.0', jan(17, 23, 59)),
];

/** DORA's weekly facts straight from the rows, as the store read them before the buckets. */
async function factsFromRows(knex: Knex, window: DeliveryWindow) {
  const weeks = new Map<number, DeliveryWeekFacts>();
  const weekOf = (time: number) => {
    const weekStart = weekStartOf(time);
    const week = weeks.get(weekStart) ?? {
      weekStart,
      total: 0,
      succeeded: 0,
      failing: 0,
      rework: 0,
      leadTimes: [],
      recoveries: [],
    };
    weeks.set(weekStart, week);
    return week;
  };
  const inWindow = (query: Knex.QueryBuilder, column: string) =>
    query
      .where('environment', window.environment)
      .whereIn('entity_ref', window.entityRefs)
      .where(column, '>=', window.from)
      .where(column, '<', window.to);
  const finished: Array<Record<string, unknown>> = await inWindow(
    knex(TABLES.finishedDeployments),
    'finished_at',
  );
  for (const row of finished) {
    const week = weekOf(Number(row.finished_at));
    const failing = row.status === 'failed' || Boolean(row.rolled_back);
    week.total += 1;
    week.succeeded += row.status === 'succeeded' ? 1 : 0;
    week.failing += failing ? 1 : 0;
    week.rework += row.was_rollback || row.hotfix ? 1 : 0;
    if (failing && row.recovered_at !== null) {
      week.recoveries.push(Number(row.recovered_at) - Number(row.finished_at));
    }
  }
  const leads: Array<Record<string, unknown>> = await inWindow(
    knex(TABLES.commitLeadTimes),
    'deployed_at',
  );
  for (const row of leads) {
    weekOf(Number(row.deployed_at)).leadTimes.push(
      Number(row.deployed_at) - Number(row.started_at),
    );
  }
  return [...weeks.values()].sort((a, b) => a.weekStart - b.weekStart);
}

async function bucketsOf(knex: Knex) {
  const rows: Array<Record<string, unknown>> = await knex(
    TABLES.deliveryBuckets,
  ).orderBy(['environment', 'entity_ref', 'span_days', 'bucket_start']);
  const sortedList = (list: unknown) =>
    String(list ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  return rows.map(row => ({
    key: [row.environment, row.entity_ref, row.span_days, row.bucket_start]
      .map(String)
      .join(' '),
    counts: [row.total, row.succeeded, row.failing, row.rework].map(Number),
    recoveries: sortedList(row.recoveries),
    leadTimes: sortedList(row.lead_times),
  }));
}

/** Windows cut every way: whole weeks, whole days, ragged hours, inside one day, across all. */
const WINDOWS: Array<[string, string]> = [
  [jan(5), jan(19)],
  [jan(6), jan(17)],
  [jan(5, 9, 30), jan(20, 12)],
  [jan(6, 12), jan(6, 23, 45)],
  [jan(1), jan(31)],
  [jan(8, 2, 30), jan(16, 8)],
];

describe.each(databases.eachSupportedId())(
  'the delivery buckets on %p',
  databaseId => {
    let knex: Knex;
    let db: ShiplogDatabase;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
      for (const e of HISTORY) await db.stores.events.ingest([e]);
    });

    it.each(WINDOWS)(
      'give the facts of the rows themselves over [%s, %s)',
      async (from, to) => {
        const window = {
          environment: 'prod',
          entityRefs: [A, B],
          from: ms(from),
          to: ms(to),
        };
        const sorted = (weeks: DeliveryWeekFacts[]) =>
          weeks.map(week => ({
            ...week,
            leadTimes: [...week.leadTimes].sort((a, b) => a - b),
            recoveries: [...week.recoveries].sort((a, b) => a - b),
          }));
        const fromRows = await factsFromRows(knex, window);
        expect(fromRows.length).toBeGreaterThan(0);
        expect(sorted(await db.deliveryMetrics.weeklyFacts(window))).toEqual(
          sorted(fromRows),
        );
      },
    );

    it('are what the migration backfills from the same rows', async () => {
      const projected = await bucketsOf(knex);
      expect(projected.length).toBeGreaterThan(10);
      await knex.migrate.down({
        directory: migrationsDir,
        name: BUCKETS_MIGRATION,
      });
      await knex.migrate.up({
        directory: migrationsDir,
        name: BUCKETS_MIGRATION,
      });
      expect(await bucketsOf(knex)).toEqual(projected);
    });

    it('answer DORA for a ragged window as the rows would', async () => {
      const window = {
        environment: 'prod',
        entityRefs: [A, B],
        from: ms(jan(5, 9, 30)),
        to: ms(jan(20, 12)),
      };
      const dora = await computeDora(db.deliveryMetrics, window);
      const fromRows = await factsFromRows(knex, window);
      const sum = (field: 'total' | 'succeeded' | 'failing' | 'rework') =>
        fromRows.reduce((n, week) => n + week[field], 0);
      expect(dora.deploymentFrequency.deployments).toBe(sum('succeeded'));
      expect(dora.changeFailRate).toEqual({
        failed: sum('failing'),
        total: sum('total'),
        ratio: sum('failing') / sum('total'),
      });
      expect(dora.reworkRate.unplanned).toBe(sum('rework'));
      expect(dora.leadTime.samples).toBe(
        fromRows.reduce((n, week) => n + week.leadTimes.length, 0),
      );
      expect(dora.recoveryTime.samples).toBe(
        fromRows.reduce((n, week) => n + week.recoveries.length, 0),
      );
    });
  },
);
