import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ArgoCdSimulator,
  GitRepository,
  seedBareRepository,
} from '@shiplog/argocd-simulator';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { shiplogPlugin } from '../plugin';
import { expectToMatchOpenApi } from '../__testUtils__/openApi';
import { pushFiles, valuesFile } from '../__testUtils__/gitops';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const PATH = '/api/shiplog/v1/entities/component/default/checkout/argocd';

describe.each(databases.eachSupportedId())(
  'Argo CD routes on %p',
  databaseId => {
    let dir: string;
    let simulator: ArgoCdSimulator;
    let urls: Record<string, string>;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'shiplog-argocd-routes-'));
      const gitDir = join(dir, 'gitops.git');
      await seedBareRepository(gitDir, {
        'charts/checkout/values-dev.yaml': valuesFile('checkout', '1.0.0'),
        'charts/checkout/values-prod.yaml': valuesFile('checkout', '1.0.0'),
      });
      simulator = new ArgoCdSimulator({
        repository: new GitRepository(gitDir),
        repoUrl: `file://${gitDir}`,
        progressMs: 100,
        pollMs: 0,
        instances: [{ name: 'main', token: 'secret-argo-token' }],
      });
      urls = await simulator.start();
      // A promotion to prod lands in Git; prod syncs by hand, so it stays OutOfSync.
      await pushFiles(
        gitDir,
        { 'charts/checkout/values-prod.yaml': valuesFile('checkout', '1.1.0') },
        'prod 1.1.0',
      );
      await simulator.refresh();
    });

    afterEach(async () => {
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
    });

    async function start(
      databaseId_: TestDatabaseId,
      decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
      otherEntities: Entity[] = [],
    ) {
      const knex = await databases.init(databaseId_);
      const checkout: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'checkout',
          namespace: 'default',
          annotations: {
            'argocd/app-selector': 'app.kubernetes.io/name=checkout',
            'shiplog.dev/image': 'ghcr.io/acme/checkout',
            'shiplog.dev/gitops-repo': `file://${join(dir, 'gitops.git')}`,
            'shiplog.dev/values-path':
              'charts/checkout/values-{{environment}}.yaml',
          },
        },
        spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
      };
      const { server } = await startTestBackend({
        features: [
          shiplogPlugin,
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: decision }),
          mockServices.rootConfig.factory({
            data: {
              shiplog: {
                environments: [
                  { name: 'dev' },
                  { name: 'prod', sync: 'manual' },
                ],
                gitops: { allowedFileRoots: [dir] },
                argocd: {
                  refreshIntervalSeconds: 1,
                  // The budget is not under test here: a loaded machine must still see Git's declared tag.
                  pageBudgetMs: 30_000,
                  instances: [
                    {
                      name: 'main',
                      url: urls.main,
                      token: 'secret-argo-token',
                    },
                  ],
                },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: [checkout, ...otherEntities],
          }),
        ],
      });
      return server;
    }

    it('serves live state without ever exposing the instance token', async () => {
      const server = await start(databaseId, AuthorizeResult.ALLOW);
      const res = await request(server)
        .get(PATH)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expectToMatchOpenApi(
        'GET',
        '/v1/entities/{kind}/{namespace}/{name}/argocd',
        200,
        res.body,
      );
      expect(
        res.body.applications.map((a: { name: string }) => a.name),
      ).toEqual(['checkout-dev', 'checkout-prod']);
      expect(res.body.applications[1]).toMatchObject({
        sync: { status: 'OutOfSync' },
        declared: { tag: '1.1.0' },
        version: '1.0.0',
        gitDrift: 'drifted',
        manualSync: true,
      });
      expect(JSON.stringify(res.body)).not.toContain('secret-argo-token');
    });

    it('syncs a manual environment for a permitted user and records who did it', async () => {
      const server = await start(databaseId, AuthorizeResult.ALLOW);
      // The rollout stays in progress until released, so the first read sees it however slow the machine.
      const releaseRollouts = simulator.holdRollouts();
      const res = await request(server)
        .post(`${PATH}/sync`)
        .set('Authorization', mockCredentials.user.header())
        .send({ application: 'checkout-prod' });
      expect(res.status).toBe(202);
      expectToMatchOpenApi(
        'POST',
        '/v1/entities/{kind}/{namespace}/{name}/argocd/sync',
        202,
        res.body,
      );
      expect(simulator.requests.main.sync).toBe(1);
      const history = await request(server)
        .get('/api/shiplog/v1/entities/component/default/checkout/deployments')
        .query({ environment: 'prod' })
        .set('Authorization', mockCredentials.user.header());
      expect(history.body.items[0]).toMatchObject({
        environment: 'prod',
        version: '1.1.0',
        status: 'in_progress',
        actor: mockCredentials.user().principal.userEntityRef,
      });
      releaseRollouts();
      // Argo CD's own report of the operation joins that deployment: one row, finished, still the user's.
      let items: Array<{ version: string; status: string; actor: string }> = [];
      for (let i = 0; i < 100 && items[0]?.status !== 'succeeded'; i++) {
        await new Promise(r => setTimeout(r, 200));
        // The test backend's scheduler does not run tasks; a view of stale state polls instead.
        await request(server)
          .get(PATH)
          .set('Authorization', mockCredentials.user.header());
        items = (
          await request(server)
            .get(
              '/api/shiplog/v1/entities/component/default/checkout/deployments',
            )
            .query({ environment: 'prod' })
            .set('Authorization', mockCredentials.user.header())
        ).body.items;
      }
      expect(items).toEqual([
        expect.objectContaining({
          version: '1.1.0',
          status: 'succeeded',
          actor: mockCredentials.user().principal.userEntityRef,
        }),
      ]);
    });

    const claimant = (name: string, annotations: Record<string, string>) =>
      ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default', annotations },
        spec: { type: 'service', owner: 'team-other', lifecycle: 'production' },
      } as Entity);
    const as = (server: Awaited<ReturnType<typeof start>>, entity: string) => ({
      state: () =>
        request(server)
          .get(`/api/shiplog/v1/entities/component/default/${entity}/argocd`)
          .set('Authorization', mockCredentials.user.header()),
      sync: (application: string) =>
        request(server)
          .post(
            `/api/shiplog/v1/entities/component/default/${entity}/argocd/sync`,
          )
          .set('Authorization', mockCredentials.user.header())
          .send({ application }),
    });

    it('gives an empty selector no application, and refuses to sync an application two entities claim (409 naming them)', async () => {
      const server = await start(databaseId, AuthorizeResult.ALLOW, [
        claimant('greedy', { 'argocd/app-selector': ' , ' }),
        claimant('thief', { 'argocd/app-name': 'checkout-prod' }),
      ]);
      expect((await as(server, 'greedy').state()).body.applications).toEqual(
        [],
      );
      const state = await as(server, 'checkout').state();
      const prod = state.body.applications.find(
        (a: { name: string }) => a.name === 'checkout-prod',
      );
      expect(prod.otherClaimants).toEqual(['component:default/thief']);
      const byOwner = await as(server, 'checkout').sync('checkout-prod');
      expect(byOwner.status).toBe(409);
      expect(byOwner.body.error.message).toContain('component:default/thief');
      const byThief = await as(server, 'thief').sync('checkout-prod');
      expect(byThief.status).toBe(409);
      expect(byThief.body.error.message).toContain(
        'component:default/checkout',
      );
      expect(simulator.requests.main?.sync).toBeUndefined();
    });

    it('answers one of concurrent syncs with 202 and the others with 409, recording only the one started', async () => {
      const server = await start(databaseId, AuthorizeResult.ALLOW);
      const statuses = (
        await Promise.all(
          [1, 2, 3].map(() => as(server, 'checkout').sync('checkout-prod')),
        )
      )
        .map(res => res.status)
        .sort();
      expect(statuses).toEqual([202, 409, 409]);
      expect(simulator.requests.main.sync).toBe(1);
      const history = await request(server)
        .get('/api/shiplog/v1/entities/component/default/checkout/deployments')
        .query({ environment: 'prod' })
        .set('Authorization', mockCredentials.user.header());
      // One deployment for the one sync started. The simulated rollout takes 100 ms, so on a busy
      // machine it may already have finished (and been recorded onto the same row) by now.
      expect(history.body.items).toEqual([
        expect.objectContaining({ version: '1.1.0' }),
      ]);
      expect(['in_progress', 'succeeded']).toContain(
        history.body.items[0].status,
      );
    });

    it('answers 502 naming the instance when Argo CD fails the sync', async () => {
      const server = await start(databaseId, AuthorizeResult.ALLOW);
      expect((await as(server, 'checkout').state()).status).toBe(200);
      await simulator.stop();
      const res = await as(server, 'checkout').sync('checkout-prod');
      expect(res.status).toBe(502);
      expect(res.body.error.message).toContain('Argo CD main');
    });

    it('refuses without permission (403), for automated apps (409), bad bodies (400) and services (403)', async () => {
      const denied = await start(databaseId, AuthorizeResult.DENY);
      const forbidden = await request(denied)
        .post(`${PATH}/sync`)
        .set('Authorization', mockCredentials.user.header())
        .send({ application: 'checkout-prod' });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toContain('shiplog.argocd.sync');
      expect(simulator.requests.main?.sync).toBeUndefined();

      const server = await start(databaseId, AuthorizeResult.ALLOW);
      const automated = await request(server)
        .post(`${PATH}/sync`)
        .set('Authorization', mockCredentials.user.header())
        .send({ application: 'checkout-dev' });
      expect(automated.status).toBe(409);
      expect(automated.body.error.message).toContain('syncs automatically');
      const bad = await request(server)
        .post(`${PATH}/sync`)
        .set('Authorization', mockCredentials.user.header())
        .send({ app: 'checkout-prod' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('application: is required');
      const byService = await request(server)
        .post(`${PATH}/sync`)
        .set('Authorization', mockCredentials.service.header())
        .send({ application: 'checkout-prod' });
      expect(byService.status).toBe(403);
    });
  },
);
