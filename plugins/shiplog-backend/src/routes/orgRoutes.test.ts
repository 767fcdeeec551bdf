import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { shiplogPlugin } from '../plugin';
import { expectToMatchOpenApi } from '../__testUtils__/openApi';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const entity = (
  kind: string,
  name: string,
  relations: Array<[string, string]> = [],
  extra: Partial<Entity['metadata']> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...extra },
  spec: {},
  relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
});

const ENTITIES = [
  entity(
    'Component',
    'checkout',
    [
      ['partOf', 'system:default/shop'],
      ['ownedBy', 'group:default/team-shop'],
    ],
    { title: 'Checkout' },
  ),
  entity('Component', 'cart', [['ownedBy', 'group:default/team-payments']]),
  entity('Component', 'search', [['ownedBy', 'group:default/team-search']]),
  entity('Group', 'team-shop'),
  entity('Group', 'team-payments', [['childOf', 'group:default/team-shop']]),
  entity('System', 'shop', [['partOf', 'domain:default/commerce']]),
  entity('Domain', 'commerce'),
  entity('User', 'jane'),
];

const BASE = '/api/shiplog/v1';
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const at = (day: number) => new Date(Date.UTC(2026, 10, day)).toISOString();

async function startBackend(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      shiplogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          shiplog: {
            environments: [
              { name: 'dev' },
              { name: 'stage' },
              { name: 'prod', production: true },
              { name: 'sandbox' },
            ],
          },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  return server;
}

let seq = 0;
const release = (
  entityRef: string,
  version: string,
  n: number,
  commits = [n],
) => ({
  id: `r${++seq}`,
  entityRef,
  type: 'release',
  status: 'succeeded',
  version,
  commitSha: sha(n),
  commits: commits.map(c => ({ sha: sha(c), timestamp: at(1) })),
  occurredAt: at(1),
});
const deploy = (
  entityRef: string,
  version: string,
  environment: string,
  day: number,
  status = 'succeeded',
) => ({
  id: `d${++seq}`,
  entityRef,
  type: 'deploy',
  status,
  version,
  environment,
  occurredAt: at(day),
});

const EVENTS = [
  release('checkout', '1.0.0', 1),
  release('checkout', '1.1.0', 2),
  release('checkout', '1.2.0', 3, [3, 4]),
  deploy('checkout', '1.0.0', 'dev', 2),
  deploy('checkout', '1.0.0', 'stage', 2),
  deploy('checkout', '1.0.0', 'prod', 3),
  deploy('checkout', '1.1.0', 'dev', 4),
  deploy('checkout', '1.1.0', 'stage', 4),
  deploy('checkout', '1.2.0', 'dev', 5),
  release('cart', '2.0.0', 10),
  deploy('cart', '2.0.0', 'dev', 3),
  deploy('cart', '2.0.0', 'prod', 4, 'failed'),
  deploy('search', '3.0.0', 'prod', 4),
  // The last attempt failed while 3.0.0 still runs: the cell shows both.
  deploy('search', '3.1.0', 'prod', 5, 'failed'),
];

describe.each(databases.eachSupportedId())('org routes on %p', databaseId => {
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    server = await startBackend(databaseId);
    const res = await request(server)
      .post(`${BASE}/events`)
      .set('Authorization', mockCredentials.service.header())
      .send({ events: EVENTS });
    if (res.status !== 202) {
      throw new Error(`ingest answered ${res.status}: ${res.text}`);
    }
  });

  const get = (path: string, query: Record<string, string> = {}) =>
    request(server)
      .get(`${BASE}/entities/${path}`)
      .query(query)
      .set('Authorization', mockCredentials.user.header());

  it("rolls up a Group's components, its child groups' included, with drift and failures", async () => {
    const res = await get('group/default/team-shop/rollup');
    expect(res.status).toBe(200);
    expectToMatchOpenApi(
      'GET',
      '/v1/entities/{kind}/{namespace}/{name}/rollup',
      200,
      res.body,
    );
    expect(res.body.environments).toEqual(['dev', 'stage', 'prod', 'sandbox']);
    expect(res.body.components).toEqual([
      {
        entityRef: 'component:default/cart',
        environments: {
          dev: { version: '2.0.0', status: 'succeeded', since: at(3) },
          // Never deployed: as in the environment matrix, behind everything the one before runs.
          stage: { behindReleases: 1, behindCommits: 1 },
          prod: { status: 'failed' },
          sandbox: {},
        },
        undeployedCommits: 0,
        failing: true,
      },
      {
        entityRef: 'component:default/checkout',
        title: 'Checkout',
        environments: {
          dev: { version: '1.2.0', status: 'succeeded', since: at(5) },
          stage: {
            version: '1.1.0',
            status: 'succeeded',
            since: at(4),
            behindReleases: 1,
            behindCommits: 1,
          },
          prod: {
            version: '1.0.0',
            status: 'succeeded',
            since: at(3),
            behindReleases: 1,
            behindCommits: 1,
          },
          sandbox: { behindReleases: 1, behindCommits: 1 },
        },
        undeployedCommits: 1,
        failing: false,
      },
    ]);
  });

  it("rolls up a System's and a Domain's components, and a Component by itself", async () => {
    const refs = async (path: string) =>
      (await get(path)).body.components.map(
        (c: { entityRef: string }) => c.entityRef,
      );
    expect(await refs('system/default/shop/rollup')).toEqual([
      'component:default/checkout',
    ]);
    expect(await refs('domain/default/commerce/rollup')).toEqual([
      'component:default/checkout',
    ]);
    const search = await get('component/default/search/rollup');
    expect(search.body.components).toEqual([
      {
        entityRef: 'component:default/search',
        environments: {
          dev: {},
          stage: {},
          prod: { version: '3.0.0', status: 'failed', since: at(4) },
          sandbox: { behindReleases: 1 },
        },
        undeployedCommits: 0,
        failing: true,
      },
    ]);
    const user = await get('user/default/jane/rollup');
    expect(user.status).toBe(400);
    expect(user.body.error.message).toContain('not a User');
  });

  it('answers DORA metrics in the production environment, with the window checked', async () => {
    const res = await get('group/default/team-shop/dora', {
      from: '2026-11-01',
      to: '2026-11-15',
    });
    expect(res.status).toBe(200);
    expectToMatchOpenApi(
      'GET',
      '/v1/entities/{kind}/{namespace}/{name}/dora',
      200,
      res.body,
    );
    expect(res.body).toMatchObject({
      environment: 'prod',
      components: 2,
      deploymentFrequency: { deployments: 1, perDay: 1 / 14 },
      leadTime: { medianSeconds: 2 * 86400, samples: 1 },
      changeFailRate: { failed: 1, total: 2, ratio: 0.5 },
      recoveryTime: { medianSeconds: null, samples: 0 },
      reworkRate: { unplanned: 0, total: 2, ratio: 0 },
    });
    expect(res.body.weekly).toHaveLength(3);

    const backwards = await get('group/default/team-shop/dora', {
      from: '2026-11-15',
      to: '2026-11-01',
    });
    expect(backwards.status).toBe(400);
    expectToMatchOpenApi(
      'GET',
      '/v1/entities/{kind}/{namespace}/{name}/dora',
      400,
      backwards.body,
    );
    expect(backwards.body.error.message).toContain('from: must be before to');
    const garbage = await get('system/default/shop/dora', { to: 'soon' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.message).toContain('to: must be a date');
    const unknown = await get('system/default/nowhere/dora');
    expect(unknown.status).toBe(404);
    const anonymous = await request(server)
      .get(`${BASE}/entities/system/default/shop/rollup`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
