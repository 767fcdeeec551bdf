/* eslint-disable no-console */
/**
 * Slack notifications benchmark. Prints figures; asserts nothing. Run with
 * `yarn workspace @shiplog/plugin-shiplog-backend bench:notifications [--events N] [--components N]
 * [--latency MS] [--rate EVENTS_PER_MINUTE]`.
 *
 * On a SQLite file (and on PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set)
 * it ingests a burst of release events through the ledger's real write path (each batch writes its
 * outbox rows in its own transaction) while the Slack deliverer runs against the Slack stand-in (with
 * `--latency` ms per API call), and reports: the ingest rate with and without the outbox, Slack calls
 * per event (posts, parent updates, look-ups), and the delivery latency from ingest to Slack (p50, p95, max).
 */
import {
  ReleaseEventInput,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { SlackSimulator } from '@shiplog/slack-simulator';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_ENVIRONMENT_POLICY } from '../src/config/environmentPolicy';
import { LedgerStore } from '../src/database/LedgerStore';
import { migrationsDir } from '../src/database/migrations';
import { tuneSqlite } from '../src/database/tuneSqlite';
import { LedgerService } from '../src/ledger/LedgerService';
import { LedgerReleaseViews } from '../src/notifications/LedgerReleaseViews';
import { DatabaseOutboxStore } from '../src/notifications/outbox/DatabaseOutboxStore';
import { outboxEntriesFor } from '../src/notifications/outbox/outboxEntries';
import { SlackApi } from '../src/notifications/slack/SlackApi';
import { SlackDeliverer } from '../src/notifications/slack/SlackDeliverer';

const silentLogger = {
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
  child() {
    return silentLogger;
  },
} as unknown as LoggerService;

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const EVENTS = arg('events', 1000);
const COMPONENTS = arg('components', 10);
const LATENCY_MS = arg('latency', 20);
/** 0: as fast as the ledger takes them. */
const RATE_PER_MINUTE = arg('rate', 0);
const BATCH = 50;
const ENVIRONMENTS = ['dev', 'qa', 'stage', 'prod'];

/** A component's releases, each built, published and deployed through the environments: 15 events per release. */
function burst(): ReleaseEventInput[] {
  const events: ReleaseEventInput[] = [];
  for (let release = 0; events.length < EVENTS; release++) {
    for (let c = 0; c < COMPONENTS && events.length < EVENTS; c++) {
      const entityRef = `component:default/service-${c}`;
      const version = `1.${release}.0`;
      const base = { entityRef, version, occurredAt: new Date().toISOString() };
      const steps: ReleaseEventInput[] = [
        {
          ...base,
          id: `${entityRef}:${version}:build:s`,
          type: 'build',
          status: 'started',
        },
        {
          ...base,
          id: `${entityRef}:${version}:build:ok`,
          type: 'build',
          status: 'succeeded',
        },
        {
          ...base,
          id: `${entityRef}:${version}:publish`,
          type: 'publish',
          status: 'succeeded',
          image: { repository: `ghcr.io/acme/service-${c}`, tag: version },
        },
      ];
      for (const environment of ENVIRONMENTS) {
        for (const status of ['started', 'succeeded', 'succeeded'] as const) {
          steps.push({
            ...base,
            id: `${entityRef}:${version}:${environment}:${status}:${steps.length}`,
            type: 'deploy',
            status,
            environment,
          });
        }
      }
      events.push(...steps.slice(0, EVENTS - events.length));
    }
  }
  return events;
}

async function openDatabases(): Promise<
  Array<{ name: string; knex: Knex; cleanup: () => Promise<void> }>
> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-notify-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  await tuneSqlite(sqlite);
  const databases = [
    {
      name: 'SQLite (file)',
      knex: sqlite,
      cleanup: async () => {
        await sqlite.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    },
  ];
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg) {
    const admin = knexFactory({ client: 'pg', connection: pg });
    const name = `shiplog_notify_bench_${process.pid}_${Date.now()}`;
    await admin.raw(`CREATE DATABASE ${name}`);
    const url = new URL(pg);
    url.pathname = `/${name}`;
    const knex = knexFactory({ client: 'pg', connection: url.toString() });
    databases.push({
      name: 'PostgreSQL 15',
      knex,
      cleanup: async () => {
        await knex.destroy();
        await admin.raw(`DROP DATABASE ${name}`);
        await admin.destroy();
      },
    });
  }
  return databases;
}

async function ingestAll(
  ledgerStore: LedgerStore,
  events: ReleaseEventInput[],
): Promise<number> {
  const parsed = events.map(e => releaseEventInputSchema.parse(e));
  const started = performance.now();
  for (let i = 0; i < parsed.length; i += BATCH) {
    await ledgerStore.ingest(parsed.slice(i, i + BATCH));
    if (RATE_PER_MINUTE > 0) {
      const due = started + ((i + BATCH) / RATE_PER_MINUTE) * 60_000;
      await new Promise(r =>
        setTimeout(r, Math.max(0, due - performance.now())),
      );
    }
  }
  return parsed.length / ((performance.now() - started) / 1000);
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : 0;

async function benchOne(name: string, knex: Knex) {
  await knex.migrate.latest({ directory: migrationsDir });
  // The ledger alone first, on other components, for the ingest rate without the outbox.
  const plain = new LedgerStore(knex);
  const plainRate = await ingestAll(
    plain,
    burst().map(e => ({
      ...e,
      id: `plain:${e.id}`,
      entityRef: e.entityRef.replace('service', 'plain'),
    })),
  );

  const simulator = new SlackSimulator({
    tokens: ['xoxb-bench'],
    latencyMs: LATENCY_MS,
  });
  const apiUrl = `${await simulator.start()}/api/`;
  const ledgerStore = new LedgerStore(knex);
  const outbox = new DatabaseOutboxStore(knex);
  ledgerStore.addIngestHook({
    withinTransaction: (trx, fresh, { receivedAt, versionOf }) =>
      outbox.enqueue(
        trx,
        outboxEntriesFor(fresh, receivedAt, versionOf),
        receivedAt,
      ),
  });
  const directory = {
    channelFor: async (ref: string) => `#${ref.split('/')[1]}`,
    entity: async () => undefined,
    links: async () => ({}),
  };
  const deliverer = new SlackDeliverer({
    store: outbox,
    slack: new SlackApi({ token: 'xoxb-bench', apiUrl }),
    channels: directory,
    releases: new LedgerReleaseViews({
      ledger: new LedgerService(
        ledgerStore.stores,
        ENVIRONMENTS.map(env => ({ ...DEFAULT_ENVIRONMENT_POLICY, name: env })),
      ),
      directory: directory as never,
      logger: silentLogger,
    }),
    logger: silentLogger,
  });

  const events = burst();
  const started = Date.now();
  const delivering = (async () => {
    // The scheduled task's loop, run back to back until the backlog is empty and every parent current.
    for (;;) {
      await deliverer.run(undefined, 30_000);
      const { pending } = await outbox.backlog(Date.now());
      const parentsDue = await outbox.nextParentUpdateAt(0);
      if (!pending && parentsDue === undefined && Date.now() - started > 1000)
        return;
      await new Promise(r => setTimeout(r, 100));
    }
  })();
  const ingestRate = await ingestAll(ledgerStore, events);
  await delivering;
  const elapsed = (Date.now() - started) / 1000;

  const rows = await knex('shiplog_notification_outbox').select(
    'created_at',
    'delivered_at',
    'outcome',
  );
  const latencies = rows
    .map(r => Number(r.delivered_at) - Number(r.created_at))
    .sort((a, b) => a - b);
  const calls = simulator.calls;
  const total = simulator.totalCalls();
  await simulator.stop();
  console.log(
    `\n${name}: ${
      events.length
    } events, ${COMPONENTS} components, Slack latency ${LATENCY_MS} ms/call${
      RATE_PER_MINUTE ? `, paced at ${RATE_PER_MINUTE}/min` : ''
    }`,
  );
  console.log(
    `  ingest: ${plainRate.toFixed(
      0,
    )} events/s without the outbox, ${ingestRate.toFixed(0)} events/s with it`,
  );
  console.log(
    `  Slack calls: ${total} for ${events.length} events = ${(
      total / events.length
    ).toFixed(3)} per event (${JSON.stringify(calls)})`,
  );
  console.log(
    `  messages: ${
      rows.filter(r => r.outcome === 'sent').length
    } replies sent, ${
      calls['chat.update'] ?? 0
    } parent updates; all delivered in ${elapsed.toFixed(1)} s`,
  );
  console.log(
    `  delivery latency (ingest → Slack): p50 ${percentile(
      latencies,
      50,
    )} ms, p95 ${percentile(latencies, 95)} ms, max ${
      latencies[latencies.length - 1]
    } ms`,
  );
}

async function main() {
  for (const { name, knex, cleanup } of await openDatabases()) {
    try {
      await benchOne(name, knex);
    } finally {
      await cleanup();
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
