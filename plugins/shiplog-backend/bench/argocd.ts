/* eslint-disable no-console */
/**
 * Argo CD integration benchmark. Prints figures; asserts nothing. `npm run bench:argocd` at the root, or
 * `yarn workspace @shiplog/plugin-shiplog-backend bench:argocd [--views N] [--latency MS]`.
 *
 * Three simulated Argo CD instances (dev, stage, prod), each answering after `--latency` ms (150), hold
 * 20 components' applications. Shiplog's real `GET .../argocd` route serves `--views` (50) concurrent page
 * views of one component. It reports, per scenario, the requests each instance received and the page
 * latency: cold (nothing cached: the page itself triggers the list calls), warm (the poller has run), after
 * a refresh interval, and with one instance hanging.
 */
import {
  ArgoCdSimulator,
  GitRepository,
  seedBareRepository,
} from '@shiplog/argocd-simulator';
import { ScmIntegrations } from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import Router from 'express-promise-router';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ArgoCdClient } from '../src/argocd/client/ArgoCdClient';
import { ArgoCdService } from '../src/argocd/ArgoCdService';
import { ArgoSnapshotStore } from '../src/argocd/polling/ArgoSnapshotStore';
import { ArgoCdConfig } from '../src/argocd/config';
import { GitOpsValuesReader } from '../src/argocd/values/GitOpsValuesReader';
import { migrationsDir } from '../src/database/migrations';
import { registerArgoCdRoutes } from '../src/routes/argocdRoutes';
import { EntityAccess } from '../src/routes/entityAccess';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const VIEWS = arg('views', 50);
const LATENCY = arg('latency', 150);
const COMPONENTS = 20;
const ENVIRONMENTS = ['dev', 'stage', 'prod'];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function pageViews(url: string, views: number) {
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: views }, async () => {
      const t0 = performance.now();
      const res = await fetch(url);
      const body = (await res.json()) as { applications: unknown[] };
      if (!res.ok || body.applications.length === 0) {
        throw new Error(`page view failed: ${res.status}`);
      }
      times.push(performance.now() - t0);
    }),
  );
  const wall = performance.now() - started;
  times.sort((a, b) => a - b);
  return {
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    max: times[times.length - 1],
    wall,
  };
}

function counts(...simulators: ArgoCdSimulator[]) {
  const result: Record<string, Record<string, number>> = {};
  for (const [instance, routes] of simulators.flatMap(s =>
    Object.entries(s.requests),
  )) {
    result[instance] = { ...routes };
    for (const key of Object.keys(routes)) routes[key] = 0;
  }
  return result;
}

function report(
  name: string,
  latency: Awaited<ReturnType<typeof pageViews>>,
  requests: Record<string, Record<string, number>>,
) {
  const upstream = Object.entries(requests)
    .map(
      ([instance, routes]) =>
        `${instance} ${
          Object.entries(routes)
            .filter(([, n]) => n > 0)
            .map(([route, n]) => `${route}=${n}`)
            .join(' ') || '(none)'
        }`,
    )
    .join('; ');
  console.log(
    `${name.padEnd(34)} p50 ${latency.p50.toFixed(
      1,
    )} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(
      1,
    )} ms | upstream: ${upstream}`,
  );
}

async function run(knex: Knex, label: string) {
  await knex.migrate.latest({ directory: migrationsDir });
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-bench-argocd-'));
  const gitDir = join(dir, 'gitops.git');
  const files: Record<string, string> = {};
  for (let c = 0; c < COMPONENTS; c++) {
    for (const env of ENVIRONMENTS) {
      files[
        `charts/service-${c}/values-${env}.yaml`
      ] = `image:\n  repository: ghcr.io/acme/service-${c}\n  tag: 1.${c}.0\n`;
    }
  }
  await seedBareRepository(gitDir, files);
  const simulator = new ArgoCdSimulator({
    repository: new GitRepository(gitDir),
    repoUrl: `file://${gitDir}`,
    pollMs: 0,
    instances: ENVIRONMENTS.map(env => ({
      name: env,
      environments: [env],
      token: 'bench',
      latencyMs: LATENCY,
    })),
  });
  const urls = await simulator.start();
  const config: ArgoCdConfig = {
    instances: ENVIRONMENTS.map(env => ({
      name: env,
      url: urls[env],
      frontendUrl: urls[env],
      token: 'bench',
    })),
    refreshIntervalMs: 15_000,
    timeoutMs: 2_000,
    environmentLabels: ['shiplog.dev/environment'],
    destinationEnvironments: {},
  };
  const serviceOptions = {
    environments: ENVIRONMENTS.map(name => ({
      name,
      autoPromote: false,
      requiresApproval: false,
      sync: name === 'prod' ? ('manual' as const) : ('automatic' as const),
      change: 'commit' as const,
    })),
    values: new GitOpsValuesReader({
      urlReader: {
        readUrl: async () => {
          throw new Error('unused');
        },
      } as never,
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      allowedFileRoots: [dir],
      ttlMs: config.refreshIntervalMs,
      timeoutMs: 10_000,
    }),
    logger: {
      warn: () => {},
      info: () => {},
      error: () => {},
      debug: () => {},
      child() {
        return this;
      },
    } as never,
  };
  const service = new ArgoCdService({
    ...serviceOptions,
    config,
    store: new ArgoSnapshotStore(knex),
    clients: config.instances.map(i => new ArgoCdClient(i, config.timeoutMs)),
  });
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'service-7',
      namespace: 'default',
      annotations: {
        'argocd/app-selector': 'app.kubernetes.io/name=service-7',
        'shiplog.dev/image': 'ghcr.io/acme/service-7',
        'shiplog.dev/gitops-repo': `file://${gitDir}`,
        'shiplog.dev/values-path':
          'charts/{{component}}/values-{{environment}}.yaml',
      },
    },
  };
  // Shiplog's real route, with stand-ins for Backstage's auth and catalog (their cost is not Shiplog's).
  const access = new EntityAccess({
    httpAuth: { credentials: async () => ({}) } as never,
    permissions: {} as never,
    entities: {
      load: async () => ({ entity, entityRef: 'component:default/service-7' }),
    } as never,
  });
  const router = Router();
  registerArgoCdRoutes(router, { access, argocd: service });
  const app = express().use(router);
  const server = createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/v1/entities/component/default/service-7/argocd`;

  console.log(
    `\n${label}: 3 instances × ${LATENCY} ms latency, ${VIEWS} concurrent views, ${
      COMPONENTS * 3
    } applications`,
  );
  report(
    'cold (page triggers the lists)',
    await pageViews(url, VIEWS),
    counts(simulator),
  );
  report(
    'warm (poller ran, caches full)',
    await pageViews(url, VIEWS),
    counts(simulator),
  );
  // One refresh interval later: the scheduled task lists each instance once; trees of changed apps refetch.
  await service.pollAll();
  report(
    'after one scheduled refresh',
    await pageViews(url, VIEWS),
    counts(simulator),
  );
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await (await fetch(url)).json();
    single.push(performance.now() - t0);
  }
  single.sort((a, b) => a - b);
  console.log(
    `${'warm, one view at a time (200)'.padEnd(34)} p50 ${quantile(
      single,
      0.5,
    ).toFixed(1)} ms, p95 ${quantile(single, 0.95).toFixed(1)} ms, max ${single[
      single.length - 1
    ].toFixed(1)} ms`,
  );
  const warm: number[] = [];
  for (let round = 0; round < 10; round++) {
    const r = await pageViews(url, VIEWS);
    warm.push(r.p95);
  }
  warm.sort((a, b) => a - b);
  console.log(
    `${'warm, 10 more rounds'.padEnd(34)} p95 of rounds: median ${quantile(
      warm,
      0.5,
    ).toFixed(1)} ms, worst ${warm[warm.length - 1].toFixed(1)} ms`,
  );

  // A fourth instance that hangs (answers after 10 s; timeout 5 s): cold and warm views of the same page.
  const hung = new ArgoCdSimulator({
    repository: new GitRepository(gitDir),
    repoUrl: `file://${gitDir}`,
    pollMs: 0,
    instances: [
      {
        name: 'hung',
        environments: ['stage'],
        token: 'bench',
        latencyMs: 10_000,
      },
    ],
  });
  const hungUrls = await hung.start();
  const withHung: ArgoCdConfig = {
    ...config,
    timeoutMs: 5_000,
    instances: [
      ...config.instances,
      {
        name: 'hung',
        url: hungUrls.hung,
        frontendUrl: hungUrls.hung,
        token: 'bench',
      },
    ],
  };
  const hungService = new ArgoCdService({
    ...serviceOptions,
    config: withHung,
    store: new ArgoSnapshotStore(knex),
    clients: withHung.instances.map(
      i => new ArgoCdClient(i, withHung.timeoutMs),
    ),
  });
  const hungRouter = Router();
  registerArgoCdRoutes(hungRouter, { access, argocd: hungService });
  const hungServer = createServer(express().use(hungRouter));
  await new Promise<void>(resolve =>
    hungServer.listen(0, '127.0.0.1', resolve),
  );
  const hungUrl = `http://127.0.0.1:${
    (hungServer.address() as AddressInfo).port
  }/v1/entities/component/default/service-7/argocd`;
  await knex('shiplog_argocd_snapshots').delete();
  report(
    'one of 4 instances hanging, cold',
    await pageViews(hungUrl, VIEWS),
    counts(simulator, hung),
  );
  // Once its list call has timed out, the hanging instance has an error in its snapshot: views stop waiting.
  await new Promise(resolve => setTimeout(resolve, withHung.timeoutMs + 500));
  report(
    'one of 4 instances hanging, warm',
    await pageViews(hungUrl, VIEWS),
    counts(simulator, hung),
  );
  hungServer.close();
  await hung.stop();

  await simulator.stop();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'shiplog-bench-sqlite-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(sqliteDir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  await run(sqlite, 'SQLite');
  await sqlite.destroy();
  rmSync(sqliteDir, { recursive: true, force: true });
  const pg = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg) {
    const admin = knexFactory({ client: 'pg', connection: pg });
    const database = `shiplog_bench_argocd_${Date.now()}`;
    await admin.raw(`CREATE DATABASE ${database}`);
    const knex = knexFactory({
      client: 'pg',
      connection: `${pg.replace(/\/[^/]*$/, '')}/${database}`,
    });
    try {
      await run(knex, 'PostgreSQL 15');
    } finally {
      await knex.destroy();
      await admin.raw(`DROP DATABASE ${database}`);
      await admin.destroy();
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
