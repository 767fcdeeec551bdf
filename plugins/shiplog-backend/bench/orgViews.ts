/* eslint-disable no-console */
/**
 * Org views benchmark (rollup and DORA) on PostgreSQL. Prints figures; asserts nothing. Run by
 * `npm run bench` at the root after the ledger benchmark, or
 * `yarn workspace @shiplog/plugin-shiplog-backend bench:org [--components N] [--releases N] [--samples N]`.
 *
 * Ingesting ten million events through the API takes hours on a small machine, so the read models a
 * ledger of that size would hold are written directly, in bulk, with `generate_series`: per component
 * `--releases` releases a day apart, two commits each, a deployment of each release to dev, qa, stage
 * and prod (prod four releases behind, one in twenty failed and recovered an hour later, one in
 * twenty-five a hotfix), the state per environment, finished deployments and prod's lead times. With
 * the defaults (5,000 components, 170 releases) that is what 10.2 million events (12 per release:
 * build started/succeeded, publish, release, a started and a finished deploy per environment) derive.
 * The org read models ingest keeps from these (rollup cells, commit heads, delivery buckets) are
 * written by their migrations' backfill, the same statements ingest runs per component, in bulk.
 *
 * Then, in the same run, p50/p95 of: the rollup of a 500-component group and DORA over 90 days for it
 * (through the services, as the routes call them), each beside the raw indexed query their first
 * statement is; and a component's environments matrix and first deployments page. `--explain` prints
 * the query plans of DORA's reads before and after the buckets. `--keep NAME` seeds a database of that
 * name once and keeps it: later runs with the same name skip the ten-minute seed.
 */
import { EnvironmentConfig } from '@shiplog/plugin-shiplog-common';
import knexFactory, { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { migrationsDir } from '../src/database/migrations';
import { ShiplogDatabase } from '../src/database/ShiplogDatabase';
import { TABLES } from '../src/database/tables';
import { computeDora } from '../src/ledger/dora';
import { LedgerService } from '../src/ledger/LedgerService';
import { getRollup } from '../src/ledger/rollup';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const COMPONENTS = arg('components', 5_000);
const RELEASES = arg('releases', 170);
const SAMPLES = arg('samples', 200);
const EXPLAIN = args.includes('--explain');
/** `--keep NAME`: seed database NAME once and keep it, so runs after the first measure in seconds. */
const KEEP = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : '';
/** The first migration of the org read models: the base tables are seeded before it runs. */
const ORG_READ_MODELS = '20261222000000_rollup_cells.js';
const GROUP_SIZE = 500;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const ENVIRONMENTS: EnvironmentConfig[] = ['dev', 'qa', 'stage', 'prod'].map(
  name => ({
    name,
    autoPromote: false,
    requiresApproval: false,
    sync: 'automatic',
    change: 'pull-request',
  }),
);
/** How many releases each environment runs behind the newest. */
const LAG: Record<string, number> = { dev: 0, qa: 0, stage: 1, prod: 4 };

const ref = (c: string) => `'component:default/svc-' || ${c}`;

async function seed(knex: Knex) {
  const series = `generate_series(0, ${
    COMPONENTS - 1
  }) c, generate_series(1, ${RELEASES}) r`;
  const releaseAt = `(${START}::bigint + r::bigint * ${DAY} + c::bigint * 1000)`;
  await knex.raw(`
    INSERT INTO ${
      TABLES.releases
    } (entity_ref, version, version_key, commit_sha, first_seen_at,
      build_status, build_at, publish_status, publish_at, release_status, release_at)
    SELECT ${ref(
      'c',
    )}, '1.0.' || r, lpad(r::text, 10, '0'), md5(c || ':' || (2 * r)), ${releaseAt},
      'succeeded', ${releaseAt}, 'succeeded', ${releaseAt}, 'succeeded', ${releaseAt}
    FROM ${series}`);
  await knex.raw(`
    INSERT INTO ${
      TABLES.commits
    } (entity_ref, sha, position, message, pr_number, committed_at, git_committed_at)
    SELECT ${ref('c')}, md5(c || ':' || p), p, 'feat: change ' || p, p,
      ${START}::bigint + ((p + 1) / 2)::bigint * ${DAY} + c::bigint * 1000 - 3600000,
      ${START}::bigint + ((p + 1) / 2)::bigint * ${DAY} + c::bigint * 1000 - 7200000
    FROM generate_series(0, ${COMPONENTS - 1}) c, generate_series(1, ${
    2 * RELEASES
  }) p`);
  for (const [index, env] of ENVIRONMENTS.entries()) {
    const finished = `${releaseAt} + ${(index + 1) * 3_600_000}`;
    await knex.raw(`
      INSERT INTO ${
        TABLES.deployments
      } (entity_ref, environment, version, commit_sha, status,
        started_at, finished_at, updated_at, sort_at, rollback)
      SELECT ${ref('c')}, '${env.name}', '1.0.' || r, md5(c || ':' || (2 * r)),
        CASE WHEN (r + c) % 20 = 0 THEN 'failed' ELSE 'succeeded' END,
        ${finished} - 600000, ${finished}, ${finished}, ${finished} - 600000, false
      FROM ${series} WHERE r <= ${RELEASES - LAG[env.name]}`);
  }
  await knex.raw(`
    INSERT INTO ${TABLES.environmentState}
      (entity_ref, environment, current_deployment_id, current_at, attempt_deployment_id, attempt_at)
    SELECT DISTINCT ON (entity_ref, environment) entity_ref, environment, id, finished_at, id, sort_at
    FROM ${TABLES.deployments} WHERE status = 'succeeded'
    ORDER BY entity_ref, environment, finished_at DESC`);
  await knex.raw(`
    INSERT INTO ${TABLES.finishedDeployments} (deployment_id, entity_ref, environment, version, status,
      finished_at, was_rollback, rolled_back, hotfix, recovered_at)
    SELECT id, entity_ref, environment, version, status, finished_at, false, false,
      split_part(version, '.', 3)::int % 25 = 0,
      CASE WHEN status = 'failed' THEN finished_at + 3600000 END
    FROM ${TABLES.deployments}`);
  const prodFinished = `${START}::bigint + ((p + 1) / 2)::bigint * ${DAY} + c::bigint * 1000 + ${
    4 * 3_600_000
  }`;
  await knex.raw(`
    INSERT INTO ${
      TABLES.commitLeadTimes
    } (entity_ref, environment, sha, position, started_at, deployed_at, deployment_id)
    SELECT ${ref('c')}, 'prod', md5(c || ':' || p), p,
      ${START}::bigint + ((p + 1) / 2)::bigint * ${DAY} + c::bigint * 1000 - 7200000, ${prodFinished}, 0
    FROM generate_series(0, ${COMPONENTS - 1}) c, generate_series(1, ${
    2 * (RELEASES - LAG.prod)
  }) p`);
  await knex.raw('ANALYZE');
}

/** Applies the migrations before the org read models', one at a time. */
async function migrateUpTo(knex: Knex, first: string) {
  for (;;) {
    const [, pending]: [unknown, Array<{ file: string }>] =
      await knex.migrate.list({ directory: migrationsDir });
    if (!pending.length || pending[0].file >= first) return;
    await knex.migrate.up({ directory: migrationsDir });
  }
}

async function rowCounts(knex: Knex) {
  const counts: Record<string, number> = {};
  for (const table of [
    TABLES.releases,
    TABLES.commits,
    TABLES.deployments,
    TABLES.environmentState,
    TABLES.finishedDeployments,
    TABLES.commitLeadTimes,
    TABLES.rollupCells,
    TABLES.commitHeads,
    TABLES.deliveryBuckets,
  ]) {
    const [{ n }] = await knex(table).count({ n: '*' });
    counts[table] = Number(n);
  }
  return counts;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function measure(name: string, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await run(i); // warm the pool, the plans and the cache
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `  ${name.padEnd(58)} p50 ${ms(percentile(samples, 50))}, p95 ${ms(
      percentile(samples, 95),
    )}`,
  );
}

async function createDatabase(connection: string) {
  const admin = knexFactory({ client: 'pg', connection });
  const name = KEEP
    ? `shiplog_bench_org_${KEEP.replace(/\W/g, '_')}`
    : `shiplog_bench_org_${process.pid}`;
  const { rows } = await admin.raw(
    'SELECT 1 FROM pg_database WHERE datname = ?',
    [name],
  );
  const existed = rows.length > 0;
  if (!existed) await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = new URL(connection);
  url.pathname = `/${name}`;
  const knex = knexFactory({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 1, max: 8 },
  });
  const drop = async () => {
    await knex.destroy();
    if (KEEP) return;
    const again = knexFactory({ client: 'pg', connection });
    await again.raw(`DROP DATABASE IF EXISTS ${name}`);
    await again.destroy();
  };
  return { knex, drop, existed };
}

async function main() {
  const connection =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!connection) {
    console.log(
      'Org views benchmark: no PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING); skipped.',
    );
    return;
  }
  const { knex, drop, existed } = await createDatabase(connection);
  try {
    await migrateUpTo(knex, ORG_READ_MODELS);
    const seedStart = performance.now();
    if (!existed) await seed(knex);
    const backfillStart = performance.now();
    await knex.migrate.latest({ directory: migrationsDir });
    await knex.raw('ANALYZE');
    const backfilled = (performance.now() - backfillStart) / 1000;
    console.log(
      `Org views on PostgreSQL: ${COMPONENTS} components × ${RELEASES} releases (the read models of ${(
        (COMPONENTS * RELEASES * 12) /
        1e6
      ).toFixed(1)}M events), seeded in ${(
        (performance.now() - seedStart) /
        1000
      ).toFixed(
        0,
      )} s (of which the org read models' backfill ${backfilled.toFixed(0)} s)`,
    );
    console.log(`  rows: ${JSON.stringify(await rowCounts(knex))}`);
    const db = await ShiplogDatabase.create({
      database: { getClient: async () => knex, migrations: { skip: true } },
    });
    await measureOrgViews(knex, db);
  } finally {
    await drop();
  }
}

async function measureOrgViews(knex: Knex, db: ShiplogDatabase) {
  const groupOf = (g: number) =>
    Array.from({ length: GROUP_SIZE }, (_, i) => {
      const entityRef = `component:default/svc-${
        (g * GROUP_SIZE + i) % COMPONENTS
      }`;
      return {
        entityRef,
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: entityRef.split('/')[1], namespace: 'default' },
        },
      };
    });
  const groups = Array.from(
    { length: Math.ceil(COMPONENTS / GROUP_SIZE) },
    (_, g) => groupOf(g),
  );
  const group = (i: number) => groups[i % groups.length];
  const to = START + (RELEASES + 1) * DAY;
  const window = { environment: 'prod', from: to - 90 * DAY, to };

  console.log(
    `  [target: rollup p95 <= 50 ms, dora p95 <= 100 ms, component reads p95 <= 10 ms]`,
  );
  const refs = (i: number) => group(i).map(c => c.entityRef);
  await measure(`rollup of a ${GROUP_SIZE}-component group`, i =>
    getRollup(db.rollups, group(i), ENVIRONMENTS),
  );
  await measure('  its two reads (cells, commit heads) through the store', i =>
    Promise.all([
      db.rollups.getCellsOf(refs(i)),
      db.rollups.getCommitHeadsOf(refs(i)),
    ]),
  );
  await measure('  raw: its rollup cells, one indexed IN query', i =>
    knex(TABLES.rollupCells).whereIn('entity_ref', refs(i)),
  );
  await measure(`dora over 90 days for a ${GROUP_SIZE}-component group`, i =>
    computeDora(db.deliveryMetrics, { ...window, entityRefs: refs(i) }),
  );
  const weekBuckets = (i: number) =>
    knex(TABLES.deliveryBuckets)
      .where('environment', 'prod')
      .whereIn('entity_ref', refs(i))
      .where('span_days', 7)
      .where('bucket_start', '>=', window.from)
      .where('bucket_start', '<', window.to);
  await measure('  raw: count its week buckets in the window (index)', i =>
    weekBuckets(i).count({ n: '*' }),
  );
  const finishedRows = (i: number) =>
    knex(TABLES.finishedDeployments)
      .where('environment', 'prod')
      .whereIn('entity_ref', refs(i))
      .where('finished_at', '>=', window.from)
      .where('finished_at', '<', window.to)
      .count({ n: '*' });
  await measure('  raw: count its finished prod deployments (rows)', i =>
    finishedRows(i),
  );
  if (EXPLAIN) {
    await explain(knex, 'week buckets', weekBuckets(0));
    await explain(knex, 'finished deployments (rows)', finishedRows(0));
    await explain(
      knex,
      "lead times' medians from the rows (before the buckets)",
      knex(TABLES.commitLeadTimes)
        .where('environment', 'prod')
        .whereIn('entity_ref', refs(0))
        .where('deployed_at', '>=', window.from)
        .where('deployed_at', '<', window.to)
        .select(
          knex.raw(
            'percentile_cont(0.5) WITHIN GROUP (ORDER BY deployed_at - started_at)',
          ),
        ),
    );
  }
  const ledger = new LedgerService(db.stores, ENVIRONMENTS);
  const component = (i: number) => group(i)[(i * 7) % GROUP_SIZE];
  await measure("a component's environments matrix", i =>
    ledger.getEnvironments(component(i).entityRef, component(i).entity),
  );
  await measure('  raw: its state per environment, one indexed join', i =>
    db.stores.environments.getEnvironmentStates(component(i).entityRef),
  );
  await measure("a component's first deployments page", i =>
    ledger.listDeployments(component(i).entityRef, { limit: 25 }),
  );
  await measure('  raw: its 26 newest deployments, one indexed query', i =>
    db.stores.deployments.listDeployments(component(i).entityRef, {
      limit: 26,
    }),
  );
}

async function explain(knex: Knex, name: string, query: Knex.QueryBuilder) {
  const result = await knex.raw(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.toQuery()}`,
  );
  console.log(`  plan of ${name}:`);
  for (const row of result.rows as Array<Record<string, string>>) {
    // The group's 500 entity refs make some lines very long: their start says enough.
    console.log(`    ${row['QUERY PLAN'].slice(0, 160)}`);
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
