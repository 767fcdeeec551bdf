/* eslint-disable no-console */
/**
 * Shiplog ledger benchmark. Prints figures; asserts nothing. Run with `npm run bench` at the root
 * (which starts a throwaway PostgreSQL 15 when this machine has one) or
 * `yarn workspace @shiplog/plugin-shiplog-backend bench [--events N] [--components N]`.
 *
 * For each database (PostgreSQL from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, and a
 * SQLite file as the portal uses) it measures, in one run:
 *  - the raw database's own rate for the same rows: plain batched INSERTs (500 rows per statement)
 *    and single-row transactions, into a copy of the events table;
 *  - batched ingest over HTTP: the real router, store and read models, 500 events per request;
 *  - single-event requests per second over HTTP (each a rollback, then each a new version);
 *  - p50/p95/p99 over HTTP of the environments matrix and of the first deployments page for random
 *    components of the loaded database, beside the raw indexed query.
 *
 * The HTTP server is Shiplog's own router on Express with a stand-in for Backstage's auth (a static
 * token check) and catalog (an in-memory map): what is measured is Shiplog's work, not the catalog's.
 */
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { LedgerStore } from '../src/database/LedgerStore';
import { StatementProfile } from './statementProfile';
import { migrationsDir } from '../src/database/migrations';
import { TABLES } from '../src/database/tables';
import { tuneSqlite } from '../src/database/tuneSqlite';
import { CoalescingIngester } from '../src/ledger/CoalescingIngester';
import { LedgerService } from '../src/ledger/LedgerService';
import { EntityLoader } from '../src/routes/EntityLoader';
import { createRouter } from '../src/routes/router';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const TOTAL_EVENTS = arg('events', 1_000_000);
const COMPONENTS = arg('components', 10_000);
const CONCURRENCY = arg('concurrency', 4);
const SINGLE_REQUESTS = arg('single', 5_000);
const READ_SAMPLES = arg('reads', 1_000);
const BATCH = 500;
/** `--profile`: each ingest phase's statements, grouped by shape, with their counts and times. */
const PROFILE = args.includes('--profile');
/** `--only postgres` or `--only sqlite`: one database instead of both. */
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const ENVIRONMENTS = ['dev', 'qa', 'stage', 'prod'];
const TOKEN = 'bench-token';

const sha = (component: number, n: number) =>
  `${component.toString(16).padStart(8, '0')}${n
    .toString(16)
    .padStart(32, '0')}`;

/**
 * A realistic stream, in time order across all components: each release builds (started,
 * succeeded), publishes, carries its commits, and deploys through the environments (started,
 * succeeded), with an occasional failure; later environments get every other release.
 */
/** Times within one component's release: a day per release, components a second apart. */
function minuteOf(start: number, release: number, component: number) {
  return (minute: number) =>
    new Date(
      start + release * 86_400_000 + component * 1_000 + minute * 60_000,
    ).toISOString();
}

export function* eventStream(
  total: number,
  components: number,
): Generator<ReleaseEventInput> {
  let produced = 0;
  let seq = 0;
  const start = Date.UTC(2026, 0, 1);
  for (let release = 0; produced < total; release++) {
    for (let c = 0; c < components && produced < total; c++) {
      const entityRef = `component:default/svc-${c}`;
      const version = `1.${release}.0`;
      const head = sha(c, release * 3 + 2);
      const at = minuteOf(start, release, c);
      const batch: ReleaseEventInput[] = [
        {
          id: `b${++seq}`,
          entityRef,
          type: 'build',
          status: 'started',
          version,
          commitSha: head,
          occurredAt: at(0),
          commits: [0, 1, 2].map(i => ({
            sha: sha(c, release * 3 + i),
            message: `feat: change ${release}.${i} (#${release * 3 + i + 1})`,
            author: 'dev',
          })),
        },
        {
          id: `b${++seq}`,
          entityRef,
          type: 'build',
          status: 'succeeded',
          version,
          commitSha: head,
          occurredAt: at(6),
          runUrl: `https://ci.example.com/${seq}`,
        },
        {
          id: `p${++seq}`,
          entityRef,
          type: 'publish',
          status: 'succeeded',
          version,
          image: { repository: `registry.example.com/svc-${c}`, tag: version },
          occurredAt: at(8),
        },
      ];
      for (const [e, environment] of ENVIRONMENTS.entries()) {
        // Later environments get every other release.
        if (e >= 2 && release % 2) continue;
        const failed = (release + c + e) % 23 === 0;
        batch.push(
          {
            id: `d${++seq}`,
            entityRef,
            type: 'deploy',
            status: 'started',
            version,
            environment,
            occurredAt: at(10 + e * 30),
            actor: 'argocd',
          },
          {
            id: `d${++seq}`,
            entityRef,
            type: 'deploy',
            status: failed ? 'failed' : 'succeeded',
            version,
            environment,
            occurredAt: at(13 + e * 30),
            actor: 'argocd',
          },
        );
      }
      for (const event of batch) {
        if (produced++ >= total) return;
        yield event;
      }
    }
  }
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}
const ms = (n: number) => `${n.toFixed(2)} ms`;
const rate = (n: number) => Math.round(n).toLocaleString('en-US');

async function startServer(knex: Knex) {
  const store = new LedgerStore(knex);
  const ledger = new LedgerService(
    store.stores,
    ENVIRONMENTS.map(name => ({
      name,
      autoPromote: false,
      requiresApproval: false,
      sync: 'automatic' as const,
      change: 'pull-request' as const,
    })),
  );
  const entity = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: {},
  });
  const catalog = {
    getEntityByRef: async (ref: string) =>
      /^component:default\/svc-\d+$/.test(ref)
        ? entity(ref.split('/')[1])
        : undefined,
  };
  const credentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'bench' },
  };
  const httpAuth = {
    credentials: async (req: express.Request) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        throw new InputError('bad token');
      return credentials;
    },
  };
  const auth = {
    isPrincipal: () => false,
    getOwnServiceCredentials: async () => credentials,
  };
  const router = await createRouter({
    httpAuth: httpAuth as never,
    ingester: new CoalescingIngester(store.stores.events),
    ledger,
    entities: new EntityLoader(catalog as never, auth as never),
  });
  const app = express();
  app.use(router);
  app.use(
    (
      error: Error & { status?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const byName: Record<string, number> = {
        InputError: 400,
        NotFoundError: 404,
      };
      res
        .status(error.status ?? byName[error.name] ?? 500)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

async function post(base: string, body: unknown) {
  const res = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 202)
    throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<{ accepted: number; duplicates: number }>;
}

/**
 * Load from a worker thread, as a browser or CI job would be a separate client: the client's own
 * work (fetch, JSON) then does not sit on the server's event loop. Plain JS, so it needs no transform.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { base, token, mode, count, concurrency, components, fresh } = workerData;
const headers = { authorization: 'Bearer ' + token };
const pick = () => 'svc-' + Math.floor(Math.random() * components);
async function get(path) {
  const t = performance.now();
  const res = await fetch(base + path, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(path + ' answered ' + res.status);
  return performance.now() - t;
}
(async () => {
  if (mode === 'reads') {
    for (let i = 0; i < 100; i++) await get('/v1/entities/component/default/' + pick() + '/environments');
    const matrix = [], deployments = [];
    for (let i = 0; i < count; i++) {
      matrix.push(await get('/v1/entities/component/default/' + pick() + '/environments'));
      deployments.push(await get('/v1/entities/component/default/' + pick() + '/deployments?limit=25'));
    }
    parentPort.postMessage({ matrix, deployments });
  } else {
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(base + '/v1/events', {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ id: (fresh ? 'fresh-' : 'single-') + i, entityRef: 'component:default/svc-' + (i % components), type: 'deploy', status: 'succeeded', version: fresh ? '9.' + i + '.0' : '1.0.0', environment: 'dev' }),
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error('ingest answered ' + res.status);
      }
    }));
    parentPort.postMessage({ seconds: (performance.now() - started) / 1000 });
  }
})().catch(error => { throw error; });
`;

function runClient<T>(workerData: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_SOURCE, {
      eval: true,
      workerData: { token: TOKEN, ...workerData },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** This machine's bare HTTP round trip: a trivial Express route, measured the same way as the reads. */
async function httpBaseline(): Promise<number[]> {
  const app = express();
  app.get('/v1/entities/component/default/:name/:what', (_req, res) => {
    res.json({});
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const { matrix } = await runClient<{ matrix: number[] }>({
    base: `http://127.0.0.1:${port}`,
    mode: 'reads',
    count: READ_SAMPLES,
    components: COMPONENTS,
  });
  await new Promise(resolve => server.close(resolve));
  return matrix;
}

async function rawInsertRates(knex: Knex) {
  await knex.schema.dropTableIfExists('bench_raw_events');
  await knex.raw(
    `CREATE TABLE bench_raw_events AS SELECT * FROM shiplog_events WHERE 1 = 0`,
  );
  await knex.schema.alterTable('bench_raw_events', table =>
    table.primary(['id']),
  );
  const rows = [...eventStream(100_000, 1_000)].map((event, i) => ({
    id: `raw-${i}`,
    entity_ref: event.entityRef,
    type: event.type,
    status: event.status,
    version: event.version ?? null,
    commit_sha: event.commitSha ?? null,
    environment: event.environment ?? null,
    run_url: event.runUrl ?? null,
    actor: event.actor ?? null,
    source: null,
    occurred_at: Date.parse(event.occurredAt!),
    received_at: Date.now(),
    // The same payload the ledger stores: the fields no column holds.
    payload: JSON.stringify({ image: event.image, commits: event.commits }),
  }));
  let started = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    await knex('bench_raw_events').insert(rows.slice(i, i + BATCH));
  }
  const batched = rows.length / ((performance.now() - started) / 1000);
  const singles = rows
    .slice(0, 5_000)
    .map(row => ({ ...row, id: `single-${row.id}` }));
  started = performance.now();
  for (const row of singles) {
    await knex.transaction(trx => trx('bench_raw_events').insert(row));
  }
  const single = singles.length / ((performance.now() - started) / 1000);
  await knex.schema.dropTable('bench_raw_events');
  return { batched, single };
}

async function benchDatabase(label: string, knex: Knex) {
  console.log(`\n== ${label} ==`);
  await tuneSqlite(knex); // as the plugin does at start-up; a no-op on PostgreSQL
  await knex.migrate.latest({ directory: migrationsDir });
  const raw = await rawInsertRates(knex);
  console.log(
    `raw batched INSERT (500 rows/statement): ${rate(raw.batched)} rows/s`,
  );
  console.log(
    `raw single-row transactions:             ${rate(raw.single)} tx/s`,
  );

  const server = await startServer(knex);
  const profile = PROFILE ? new StatementProfile(knex) : undefined;
  try {
    // Batched ingest: the whole database is loaded through the API, CONCURRENCY requests in flight.
    const stream = eventStream(TOTAL_EVENTS, COMPONENTS);
    let sent = 0;
    profile?.start();
    const started = performance.now();
    const worker = async () => {
      for (;;) {
        const events: ReleaseEventInput[] = [];
        for (let next = stream.next(); !next.done; next = stream.next()) {
          events.push(next.value);
          if (events.length === BATCH) break;
        }
        if (!events.length) return;
        await post(server.base, { events });
        sent += events.length;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `batched ingest over HTTP: ${rate(sent / seconds)} events/s (${rate(
        sent,
      )} events in ${seconds.toFixed(
        1,
      )} s, ${BATCH}/request, ${CONCURRENCY} concurrent)  [target >= 20,000]`,
    );
    profile?.stop('batched ingest', sent, 'event');

    // Single-event requests, 16 in flight, from a separate client thread: first each deploying the
    // component's first version again (a rollback in dev), then each a version never seen before.
    for (const fresh of [false, true]) {
      profile?.start();
      const { seconds: singleSeconds } = await runClient<{
        seconds: number;
      }>({
        base: server.base,
        mode: 'singles',
        count: SINGLE_REQUESTS,
        concurrency: 16,
        components: COMPONENTS,
        fresh,
      });
      console.log(
        `single-event requests over HTTP${
          fresh ? ', a new version each' : ', a rollback each'
        }: ${rate(
          SINGLE_REQUESTS / singleSeconds,
        )} requests/s (16 concurrent)  [target >= 2,000]`,
      );
      profile?.stop('single events', SINGLE_REQUESTS, 'request');
    }

    // Reads: random components, one request at a time, after a warm-up, from a separate client thread.
    const pick = () => `svc-${Math.floor(Math.random() * COMPONENTS)}`;
    const { matrix, deployments } = await runClient<{
      matrix: number[];
      deployments: number[];
    }>({
      base: server.base,
      mode: 'reads',
      count: READ_SAMPLES,
      components: COMPONENTS,
    });
    const rawQuery: number[] = [];
    for (let i = 0; i < READ_SAMPLES; i++) {
      const t = performance.now();
      await knex(TABLES.deployments)
        .where({ entity_ref: `component:default/${pick()}` })
        .orderBy([
          { column: 'sort_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(26);
      rawQuery.push(performance.now() - t);
    }
    const line = (name: string, samples: number[]) =>
      console.log(
        `${name}: p50 ${ms(percentile(samples, 50))}, p95 ${ms(
          percentile(samples, 95),
        )}, p99 ${ms(percentile(samples, 99))}`,
      );
    const [{ n: eventCount }] = await knex(TABLES.events).count({ n: '*' });
    console.log(
      `database: ${rate(Number(eventCount))} events across ${rate(
        COMPONENTS,
      )} components`,
    );
    line('GET environments matrix      ', matrix);
    line('GET deployments first page   ', deployments);
    line('raw indexed deployments query', rawQuery);
    line('bare HTTP round trip (trivial)', await httpBaseline());
    console.log('  [target: p95 <= 10 ms over HTTP]');
  } finally {
    await server.close();
  }
}

async function main() {
  console.log(
    `Shiplog ledger benchmark: ${rate(TOTAL_EVENTS)} events, ${rate(
      COMPONENTS,
    )} components, node ${process.version}`,
  );
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg && ONLY !== 'sqlite') {
    const admin = knexFactory({ client: 'pg', connection: pg });
    await admin.raw('DROP DATABASE IF EXISTS shiplog_bench');
    await admin.raw('CREATE DATABASE shiplog_bench');
    await admin.destroy();
    const url = new URL(pg);
    url.pathname = '/shiplog_bench';
    const knex = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 0, max: 10 },
    });
    try {
      await benchDatabase('PostgreSQL 15', knex);
    } finally {
      await knex.destroy();
    }
  } else if (ONLY !== 'sqlite') {
    console.log(
      '\n(PostgreSQL skipped: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set)',
    );
  }
  if (ONLY === 'postgres') {
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'shiplog.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await benchDatabase('SQLite (file, as the portal uses)', sqlite);
  } finally {
    await sqlite.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
