import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { ConfigReader } from '@backstage/config';
import {
  ArgoCdSimulator,
  GitRepository,
  seedBareRepository,
} from '@shiplog/argocd-simulator';
import { mkdtemp, rm } from 'fs/promises';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Knex } from 'knex';
import { migrationsDir } from '../database/migrations';
import { ReleaseEvent } from '@shiplog/plugin-shiplog-common';
import { LedgerEvent } from '../database/types';
import { pushFiles, valuesFile } from '../__testUtils__/gitops';
import { argoOperationEventId } from './polling/operationEventId';
import { ArgoCdClient } from './client/ArgoCdClient';
import { ArgoCdService, ArgoCdServiceOptions } from './ArgoCdService';
import { ArgoLedgerFeed } from './polling/ArgoLedgerFeed';
import { ArgoSnapshotStore } from './polling/ArgoSnapshotStore';
import { ArgoCdConfig } from './config';
import { GitOpsValuesReader } from './values/GitOpsValuesReader';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const environments = ['dev', 'stage', 'prod'].map(name => ({
  name,
  autoPromote: false,
  requiresApproval: false,
  sync: name === 'prod' ? ('manual' as const) : ('automatic' as const),
  change: 'commit' as const,
}));

/** A port nothing listens on: an Argo CD instance that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 50));
  }
};

describe.each(databases.eachSupportedId())(
  'ArgoCdService on %p',
  databaseId => {
    let knex: Knex;
    let dir: string;
    let gitDir: string;
    let simulator: ArgoCdSimulator;
    let service: ArgoCdService;
    let recorded: ReleaseEvent[];
    let config: ArgoCdConfig;

    const entity = () => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        namespace: 'default',
        annotations: {
          'argocd/app-selector': 'app.kubernetes.io/name=checkout',
          'shiplog.dev/image': 'ghcr.io/acme/checkout',
          'shiplog.dev/gitops-repo': `file://${gitDir}`,
          'shiplog.dev/values-path':
            'charts/{{component}}/values-{{environment}}.yaml',
        },
      },
    });

    /** The service under test over the simulator, as the plugin wires it (values read from the test's repositories). */
    const valuesReader = () =>
      new GitOpsValuesReader({
        urlReader: mockServices.urlReader.mock(),
        integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
        allowedFileRoots: [dir],
        ttlMs: 0,
        timeoutMs: 10_000,
      });
    const createService = (
      serviceConfig: ArgoCdConfig,
      options: Partial<ArgoCdServiceOptions> = {},
    ) =>
      new ArgoCdService({
        config: serviceConfig,
        environments,
        store: new ArgoSnapshotStore(knex),
        clients: serviceConfig.instances.map(
          i => new ArgoCdClient(i, serviceConfig.timeoutMs),
        ),
        values: valuesReader(),
        logger: mockServices.logger.mock(),
        // A view waits for Git here: a busy machine's git fetch can take longer than the 1.5 s
        // default. The budget's own tests set a short one.
        pageBudgetMs: 30_000,
        ...options,
      });

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      dir = await mkdtemp(join(tmpdir(), 'shiplog-argocd-test-'));
      gitDir = join(dir, 'gitops.git');
      await seedBareRepository(gitDir, {
        'charts/checkout/values-dev.yaml': valuesFile('checkout', '2.0.0'),
        'charts/checkout/values-prod.yaml': valuesFile('checkout', '1.9.0'),
        'charts/storefront/values-stage.yaml': valuesFile(
          'storefront',
          '3.0.0',
        ),
      });
      simulator = new ArgoCdSimulator({
        repository: new GitRepository(gitDir),
        repoUrl: `file://${gitDir}`,
        manualEnvironments: ['prod'],
        multiSourceComponents: ['storefront'],
        // Long enough that a rollout is still running when the next poll lists it, on a busy machine too.
        progressMs: 1000,
        pollMs: 0,
        instances: [
          { name: 'nonprod', environments: ['dev', 'stage'], token: 't0ken' },
          {
            name: 'prod',
            environments: ['prod'],
            username: 'admin',
            password: 'pw',
          },
        ],
      });
      const urls = await simulator.start();
      config = {
        instances: [
          {
            name: 'nonprod',
            url: urls.nonprod,
            frontendUrl: 'https://argo-nonprod.example',
            token: 't0ken',
          },
          {
            name: 'prod',
            url: urls.prod,
            frontendUrl: urls.prod,
            username: 'admin',
            password: 'pw',
          },
          {
            name: 'down',
            url: `http://127.0.0.1:${await closedPort()}`,
            frontendUrl: 'http://down',
            token: 'x',
          },
        ],
        refreshIntervalMs: 60_000,
        // The in-process simulator's answers can take seconds on a busy machine (a revision-metadata
        // call timed out at 2 s in a CI run); the down instance refuses at once whatever the limit.
        timeoutMs: 10_000,
        environmentLabels: ['shiplog.dev/environment'],
        destinationEnvironments: {},
      };
      recorded = [];
      const feed = new ArgoLedgerFeed({
        config,
        environments,
        entities: {
          byArgoApplication: async (name: string) =>
            name.startsWith('checkout-')
              ? [{ entity: entity(), entityRef: 'component:default/checkout' }]
              : [],
        } as never,
        ingest: async events => {
          recorded.push(...(events as ReleaseEvent[]));
        },
        logger: mockServices.logger.mock(),
      });
      service = createService(config, {
        onApplications: (instance, apps) => feed.observe(instance, apps),
      });
    });

    afterEach(async () => {
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
      await knex.destroy();
    });

    it("shows the entity's apps from every instance, with the down one's error beside them", async () => {
      await service.pollAll();
      // How fast the page answers is measured by `npm run bench:argocd`, not timed here.
      const state = await service.getEntityState(entity());
      expect(state.instances).toEqual([
        expect.objectContaining({ name: 'nonprod', status: 'ok' }),
        expect.objectContaining({ name: 'prod', status: 'ok' }),
        expect.objectContaining({
          name: 'down',
          status: 'error',
          error: expect.stringContaining('Argo CD down: unreachable'),
        }),
      ]);
      expect(
        state.applications.map(a => [a.instance, a.name, a.environment]),
      ).toEqual([
        ['nonprod', 'checkout-dev', 'dev'],
        ['prod', 'checkout-prod', 'prod'],
      ]);
      const [dev, prod] = state.applications;
      expect(dev.declared?.error).toBeUndefined();
      expect(dev).toMatchObject({
        syncPolicy: 'automated',
        manualSync: false,
        sync: { status: 'Synced' },
        health: { status: 'Healthy' },
        version: '2.0.0',
        images: ['ghcr.io/acme/checkout:2.0.0'],
        declared: { path: 'charts/checkout/values-dev.yaml', tag: '2.0.0' },
        gitDrift: 'in-sync',
        url: 'https://argo-nonprod.example/applications/argocd/checkout-dev',
        revisionMetadata: { message: 'Initial GitOps state' },
        resources: {
          total: 6,
          byKind: {
            Deployment: 1,
            ReplicaSet: 1,
            Pod: 2,
            Service: 1,
            ConfigMap: 1,
          },
        },
      });
      expect(prod).toMatchObject({
        syncPolicy: 'manual',
        manualSync: true,
        version: '1.9.0',
      });
    });

    it('answers within its budget while an instance hangs, and completes on a later view', async () => {
      const hanging = new ArgoCdSimulator({
        repository: new GitRepository(gitDir),
        repoUrl: `file://${gitDir}`,
        pollMs: 0,
        instances: [
          {
            name: 'slow',
            environments: ['stage'],
            token: 't',
            // Far beyond the 2.5 s budget, so answering first is visible even on a busy machine.
            latencyMs: 8000,
          },
        ],
      });
      const urls = await hanging.start();
      try {
        const slowConfig = {
          ...config,
          timeoutMs: 20_000,
          instances: [
            config.instances[0],
            {
              name: 'slow',
              url: urls.slow,
              frontendUrl: urls.slow,
              token: 't',
            },
          ],
        };
        // Long enough for the answering instance on a loaded CI machine (300 ms was not, once).
        const slowService = createService(slowConfig, { pageBudgetMs: 2500 });
        const started = Date.now();
        const first = await slowService.getEntityState(entity());
        expect(Date.now() - started).toBeLessThan(7000);
        expect(first.instances).toEqual([
          expect.objectContaining({ name: 'nonprod', status: 'ok' }),
          expect.objectContaining({ name: 'slow', status: 'pending' }),
        ]);
        expect(first.applications.map(a => a.name)).toEqual(['checkout-dev']);
        await until(async () => {
          const later = await slowService.getEntityState(entity());
          return later.instances[1].status === 'ok';
        }, 20_000);
      } finally {
        await hanging.stop();
      }
    });

    it('makes one list call per instance however many views, and fetches each tree and revision once', async () => {
      await service.pollAll();
      await Promise.all(
        Array.from({ length: 50 }, () => service.getEntityState(entity())),
      );
      expect(simulator.requests.nonprod).toEqual({
        list: 1,
        'resource-tree': 1,
        'revision-metadata': 1,
      });
      expect(simulator.requests.prod).toEqual({
        session: 1,
        list: 1,
        'resource-tree': 1,
        'revision-metadata': 1,
      });
    });

    it('reports what Git declares against what runs, and a manual sync deploys it and feeds the ledger once', async () => {
      await service.pollAll();
      await pushFiles(
        gitDir,
        { 'charts/checkout/values-prod.yaml': valuesFile('checkout', '2.0.0') },
        'promote checkout 2.0.0 to prod',
      );
      await simulator.refresh();
      await service.pollAll();
      let prod = (await service.getEntityState(entity())).applications[1];
      expect(prod).toMatchObject({
        sync: { status: 'OutOfSync' },
        version: '1.9.0',
        declared: { tag: '2.0.0' },
        gitDrift: 'drifted',
      });

      await service.sync(entity(), { application: 'checkout-prod' });
      await until(async () => {
        await service.pollAll();
        prod = (await service.getEntityState(entity())).applications[1];
        return (
          prod.operation?.phase === 'Succeeded' &&
          prod.health.status === 'Healthy'
        );
      });
      expect(prod).toMatchObject({
        sync: { status: 'Synced' },
        version: '2.0.0',
        gitDrift: 'in-sync',
      });
      await service.pollAll();
      const deploys = recorded.filter(e => e.type === 'deploy');
      expect(deploys.map(e => [e.environment, e.version, e.status])).toEqual(
        expect.arrayContaining([
          ['prod', '2.0.0', 'started'],
          ['prod', '2.0.0', 'succeeded'],
        ]),
      );
      // Seen again and again, recorded with the same ids: the ledger keeps it once, and so would a notification.
      const ids = deploys.filter(e => e.environment === 'prod').map(e => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(
        argoOperationEventId(
          {
            instance: 'prod',
            namespace: 'argocd',
            app: 'checkout-prod',
            startedAt: prod.operation!.startedAt!,
          },
          'succeeded',
          'component:default/checkout',
        ),
      );
    });

    it('records a manual sync it starts in the ledger, and withdraws it when Argo CD refuses', async () => {
      await pushFiles(
        gitDir,
        { 'charts/checkout/values-prod.yaml': valuesFile('checkout', '2.0.0') },
        'promote checkout 2.0.0 to prod',
      );
      await simulator.refresh();
      const ingested: LedgerEvent[] = [];
      const clients = config.instances.map(
        i => new ArgoCdClient(i, config.timeoutMs),
      );
      const recording = createService(config, {
        clients,
        ingest: async events => {
          ingested.push(...events);
        },
      });
      await recording.pollAll();
      const requester = {
        entityRef: 'component:default/checkout',
        actor: 'user:default/ops',
      };
      await recording.sync(
        entity(),
        { application: 'checkout-prod' },
        requester,
      );
      expect(ingested).toEqual([
        expect.objectContaining({
          id: expect.stringMatching(/^shiplog-sync:.+:started$/),
          entityRef: 'component:default/checkout',
          type: 'deploy',
          status: 'started',
          environment: 'prod',
          version: '2.0.0',
          actor: 'user:default/ops',
          source: 'shiplog',
          occurredAt: expect.any(String),
        }),
      ]);

      ingested.length = 0;
      await until(async () => {
        await recording.pollAll();
        const prod = (await recording.getEntityState(entity())).applications[1];
        return prod.operation?.phase === 'Succeeded';
      });
      jest
        .spyOn(clients[1], 'sync')
        .mockRejectedValue(new Error('Argo CD prod: permission denied'));
      await expect(
        recording.sync(entity(), { application: 'checkout-prod' }, requester),
      ).rejects.toThrow('permission denied');
      expect(
        ingested.map(e => [e.id.split(':')[2], 'status' in e && e.status]),
      ).toEqual([
        ['started', 'started'],
        ['cancelled', 'cancelled'],
      ]);
      expect(ingested[0].id.split(':')[1]).toBe(ingested[1].id.split(':')[1]);
    });

    it('records the version Git declares on a sync even when Git answers after the page budget', async () => {
      await pushFiles(
        gitDir,
        { 'charts/checkout/values-prod.yaml': valuesFile('checkout', '2.0.0') },
        'promote checkout 2.0.0 to prod',
      );
      await simulator.refresh();
      const ingested: LedgerEvent[] = [];
      // Git answers after 2 s (each file read once, then shared), far beyond the page's budget.
      const values = valuesReader();
      const readTag = values.readTag.bind(values);
      const reads = new Map<string, Promise<string>>();
      jest.spyOn(values, 'readTag').mockImplementation((...args) => {
        const key = JSON.stringify(args);
        if (!reads.has(key)) {
          reads.set(
            key,
            new Promise(resolve => setTimeout(resolve, 2000)).then(() =>
              readTag(...args),
            ),
          );
        }
        return reads.get(key)!;
      });
      const hurried = createService(config, {
        pageBudgetMs: 100,
        values,
        ingest: async events => {
          ingested.push(...events);
        },
      });
      await hurried.pollAll();
      await hurried.sync(
        entity(),
        { application: 'checkout-prod' },
        { entityRef: 'component:default/checkout', actor: 'user:default/ops' },
      );
      expect(ingested).toEqual([
        expect.objectContaining({ status: 'started', version: '2.0.0' }),
      ]);
      // A view answered without the values file is not kept: a later one shows what Git declares.
      await until(async () => {
        const state = await hurried.getEntityState(entity());
        return (
          state.applications.find(app => app.name === 'checkout-prod')?.declared
            ?.tag === '2.0.0'
        );
      });
    });

    it('refuses to sync an automated app, an app of another entity, and one already syncing', async () => {
      await service.pollAll();
      await expect(
        service.sync(entity(), { application: 'checkout-dev' }),
      ).rejects.toThrow('checkout-dev syncs automatically (environment dev)');
      await expect(
        service.sync(entity(), { application: 'storefront-stage' }),
      ).rejects.toThrow(
        "storefront-stage is not one of this entity's Argo CD applications",
      );
    });

    it('auto-syncs non-production apps when their values file changes', async () => {
      await service.pollAll();
      // The rollout stays Progressing until released, so the poll below sees it running on a busy machine too.
      const releaseRollouts = simulator.holdRollouts();
      await pushFiles(
        gitDir,
        { 'charts/checkout/values-dev.yaml': valuesFile('checkout', '2.1.0') },
        'dev 2.1.0',
      );
      await simulator.refresh();
      await service.pollAll();
      const dev = (await service.getEntityState(entity())).applications[0];
      expect(dev).toMatchObject({
        operation: { phase: 'Running', initiatedBy: 'automated sync' },
        health: { status: 'Progressing' },
      });
      releaseRollouts();
      await until(async () => {
        await service.pollAll();
        return recorded.some(
          e =>
            e.type === 'deploy' &&
            e.environment === 'dev' &&
            e.status === 'succeeded',
        );
      });
      expect(
        recorded
          .filter(e => e.type === 'deploy' && e.environment === 'dev')
          .map(e => [e.version, e.status]),
      ).toEqual([
        ['2.1.0', 'started'],
        ['2.1.0', 'succeeded'],
      ]);
    });
  },
);
