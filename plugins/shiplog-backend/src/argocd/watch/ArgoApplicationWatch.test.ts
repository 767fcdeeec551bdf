import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  ArgoCdSimulator,
  GitRepository,
  seedBareRepository,
} from '@shiplog/argocd-simulator';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { mkdtemp, rm } from 'fs/promises';
import { Knex } from 'knex';
import { tmpdir } from 'os';
import { join } from 'path';
import { pushFiles, valuesFile } from '../../__testUtils__/gitops';
import { LedgerStore } from '../../database/LedgerStore';
import { migrationsDir } from '../../database/migrations';
import { DatabaseOutboxStore } from '../../notifications/outbox/DatabaseOutboxStore';
import { outboxEntriesFor } from '../../notifications/outbox/outboxEntries';
import { ArgoCdClient } from '../client/ArgoCdClient';
import { ArgoCdConfig } from '../config';
import { ArgoLedgerFeed } from '../polling/ArgoLedgerFeed';
import { ArgoPoller } from '../polling/ArgoPoller';
import { ArgoSnapshotStore } from '../polling/ArgoSnapshotStore';
import { ArgoApplicationWatch } from './ArgoApplicationWatch';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const environments = ['dev', 'prod'].map(name => ({
  name,
  autoPromote: false,
  requiresApproval: false,
  sync: name === 'prod' ? ('manual' as const) : ('automatic' as const),
  change: 'commit' as const,
}));
const checkout = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'shiplog.dev/image': 'ghcr.io/acme/checkout',
    },
  },
};

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
};

/** One backend replica's Argo CD side: its snapshot store, ledger (with the outbox), feed and watch. */
function replica(knex: Knex, config: ArgoCdConfig) {
  const clients = new Map(
    config.instances.map(i => [i.name, new ArgoCdClient(i, 5000)]),
  );
  const store = new ArgoSnapshotStore(knex, 0);
  const ledger = new LedgerStore(knex);
  const outbox = new DatabaseOutboxStore(knex);
  ledger.addIngestHook({
    withinTransaction: (trx, fresh, { receivedAt, versionOf }) =>
      outbox.enqueue(
        trx,
        outboxEntriesFor(fresh, receivedAt, versionOf),
        receivedAt,
      ),
  });
  const feed = new ArgoLedgerFeed({
    config,
    environments,
    entities: {
      byArgoApplication: async (name: string) =>
        name.startsWith('checkout-')
          ? [{ entity: checkout, entityRef: 'component:default/checkout' }]
          : [],
    } as never,
    ingest: events => ledger.ingest(events),
    logger: mockServices.logger.mock(),
  });
  const changed: string[] = [];
  const watch = new ArgoApplicationWatch({
    clients,
    store,
    logger: mockServices.logger.mock(),
    refreshIntervalMs: config.refreshIntervalMs,
    onApplications: (instance, apps) => feed.observe(instance, apps),
    onChanged: async (_instance, apps: ArgoApplication[]) => {
      changed.push(...apps.map(app => app.metadata.name));
    },
  });
  const poller = new ArgoPoller({
    clients,
    store,
    logger: mockServices.logger.mock(),
    refreshIntervalMs: config.refreshIntervalMs,
    safetyNetPollMs: 60_000,
  });
  return { store, watch, poller, changed };
}

describe.each(databases.eachSupportedId())(
  'ArgoApplicationWatch on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let dir: string;
    let simulator: ArgoCdSimulator;
    let config: ArgoCdConfig;
    const stops: AbortController[] = [];

    const holdStream = (watch: ArgoApplicationWatch) => {
      const stop = new AbortController();
      stops.push(stop);
      const held = watch.run('prod', stop.signal);
      held.catch(() => undefined);
      return held;
    };
    const prodApp = async (store: ArgoSnapshotStore) =>
      (await store.read())
        .get('prod')
        ?.applications.find(app => app.metadata.name === 'checkout-prod');

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      dir = await mkdtemp(join(tmpdir(), 'shiplog-watch-test-'));
      await seedBareRepository(join(dir, 'gitops.git'), {
        'charts/checkout/values-dev.yaml': valuesFile('checkout', '2.0.0'),
        'charts/checkout/values-prod.yaml': valuesFile('checkout', '1.9.0'),
      });
      simulator = new ArgoCdSimulator({
        repository: new GitRepository(join(dir, 'gitops.git')),
        repoUrl: `file://${dir}/gitops.git`,
        manualEnvironments: ['prod'],
        progressMs: 300,
        pollMs: 0,
        instances: [{ name: 'prod', environments: ['prod'], token: 't0ken' }],
      });
      const urls = await simulator.start();
      config = {
        instances: [
          {
            name: 'prod',
            url: urls.prod,
            frontendUrl: urls.prod,
            token: 't0ken',
          },
        ],
        refreshIntervalMs: 400,
        timeoutMs: 5000,
        environmentLabels: ['shiplog.dev/environment'],
        destinationEnvironments: {},
      };
    });

    afterEach(async () => {
      for (const stop of stops.splice(0)) stop.abort();
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
      await knex.destroy();
    });

    it('shows a sync within a second and records it once while two replicas watch', async () => {
      const [a, b] = [replica(knex, config), replica(knex, config)];
      const runs = [holdStream(a.watch), holdStream(b.watch)];
      await until(async () => Boolean(await prodApp(a.store)));
      await pushFiles(
        join(dir, 'gitops.git'),
        { 'charts/checkout/values-prod.yaml': valuesFile('checkout', '2.0.0') },
        'promote checkout 2.0.0 to prod',
      );
      await simulator.refresh();
      const started = Date.now();
      await new ArgoCdClient(config.instances[0], 5000).sync('checkout-prod');
      await until(
        async () =>
          (await prodApp(b.store))?.status?.operationState?.phase === 'Running',
      );
      expect(Date.now() - started).toBeLessThan(1000);
      await until(
        async () =>
          (await knex('shiplog_events').where({ source: 'argocd' })).length ===
          2,
      );
      // Both replicas saw the operation finish; their last stores settle.
      await until(async () =>
        [a, b].every(r => r.changed.includes('checkout-prod')),
      );
      await new Promise(r => setTimeout(r, 300));
      for (const stop of stops) stop.abort();
      await Promise.all(runs);

      const events = await knex('shiplog_events')
        .where({ source: 'argocd' })
        .orderBy('occurred_at');
      expect(events.map(e => [e.status, e.version, e.environment])).toEqual([
        ['started', '2.0.0', 'prod'],
        ['succeeded', '2.0.0', 'prod'],
      ]);
      const outbox = await knex('shiplog_notification_outbox');
      expect(outbox.map(row => row.event_id).sort()).toEqual(
        events.map(e => e.id).sort(),
      );
      expect(simulator.watchers.opened.prod).toBe(2);
    });

    it('keeps the poller to its safety net while the stream is fresh, and polls again once it breaks', async () => {
      // A wide interval (heartbeat 400 ms, "fresh" for 800 ms) so a busy run's slow write is not read as a
      // stale stream.
      const wide = { ...config, refreshIntervalMs: 1600 };
      const { store, watch, poller } = replica(knex, wide);
      const run = holdStream(watch);
      await until(async () => Boolean(await prodApp(store)));
      // The first list's ledger work holds the heartbeat back: wait until the snapshot is stored again.
      const fetchedAt = async () => (await store.read()).get('prod')?.fetchedAt;
      const first = await fetchedAt();
      await until(async () => (await fetchedAt()) !== first);
      const lists = () => simulator.requests.prod?.list ?? 0;
      for (let i = 0; i < 3; i++) {
        await new Promise(r => setTimeout(r, 150));
        await poller.pollAll();
      }
      expect(lists()).toBe(0);

      simulator.watchers.closeAll();
      await expect(run).rejects.toThrow();
      await new Promise(r => setTimeout(r, wide.refreshIntervalMs));
      await poller.pollAll();
      expect(lists()).toBe(1);
    });
  },
);
