import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import shiplogPlugin from '@shiplog/plugin-shiplog-backend';
import type {
  DoraResponse,
  RollupResponse,
} from '@shiplog/plugin-shiplog-common';
import request from 'supertest';
import { DEMO_COMPONENTS, demoHistory } from './demoHistory';

jest.setTimeout(120_000);

const NOW = Date.UTC(2026, 11, 3, 12);

/** The demo catalog's shape (examples/entities.yaml, examples/org.yaml): what the org views read. */
const OWNERS: Record<string, string> = { notifier: 'team-platform' };
const ENTITIES: Entity[] = [
  ...DEMO_COMPONENTS.map(({ name }) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: {},
    relations: [
      { type: 'partOf', targetRef: 'system:default/shop' },
      {
        type: 'ownedBy',
        targetRef: `group:default/${OWNERS[name] ?? 'team-shop'}`,
      },
    ],
  })),
  ...['team-shop', 'team-platform'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: {},
  })),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'shop', namespace: 'default' },
    spec: {},
  },
];

describe('the demo history', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const get = async <T>(path: string): Promise<T> => {
    const res = await request(server)
      .get(`/api/shiplog/v1/entities/${path}`)
      .set('Authorization', mockCredentials.user.header());
    if (res.status !== 200) {
      throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
    }
    return res.body;
  };

  beforeAll(async () => {
    ({ server } = await startTestBackend({
      features: [
        shiplogPlugin,
        mockServices.rootConfig.factory({
          data: {
            shiplog: {
              environments: ['dev', 'qa', 'stage', 'prod'].map(name => ({
                name,
              })),
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
      ],
    }));
    const events = demoHistory(NOW);
    for (let i = 0; i < events.length; i += 500) {
      const res = await request(server)
        .post('/api/shiplog/v1/events')
        .set('Authorization', mockCredentials.service.header())
        .send({ events: events.slice(i, i + 500) });
      if (res.status !== 202) {
        throw new Error(`ingest answered ${res.status}: ${res.text}`);
      }
    }
  });

  it("gives team-shop's and shop's Deployments tab failures, drift and undeployed work to show", async () => {
    const team = await get<RollupResponse>('group/default/team-shop/rollup');
    expect(team.components.map(c => c.entityRef)).toEqual([
      'component:default/checkout',
      'component:default/inventory',
      'component:default/payments',
      'component:default/storefront',
    ]);
    const byName = (name: string) =>
      team.components.find(c => c.entityRef === `component:default/${name}`)!;
    expect(byName('inventory').failing).toBe(true);
    expect(byName('payments').environments.prod.behindReleases).toBeGreaterThan(
      0,
    );
    expect(team.components.every(c => c.undeployedCommits > 0)).toBe(true);
    const system = await get<RollupResponse>('system/default/shop/rollup');
    expect(system.components).toHaveLength(DEMO_COMPONENTS.length);
  });

  it('gives the DORA card every metric over 90 days, a rollback and a hotfix among them', async () => {
    const from = new Date(NOW - 90 * 86_400_000).toISOString();
    const to = new Date(NOW).toISOString();
    const dora = await get<DoraResponse>(
      `system/default/shop/dora?from=${from}&to=${to}`,
    );
    expect(dora.environment).toBe('prod');
    expect(dora.deploymentFrequency.deployments).toBeGreaterThan(10);
    // Lead time starts at git's commit time: the demo's commits are a few hours older than their build.
    expect(dora.leadTime.medianSeconds).toBeGreaterThan(2 * 86_400);
    expect(dora.changeFailRate.failed).toBeGreaterThan(0);
    expect(dora.recoveryTime.samples).toBeGreaterThan(0);
    // checkout's rollback and the steady components' hotfix releases.
    expect(dora.reworkRate.unplanned).toBeGreaterThanOrEqual(2);
    expect(dora.weekly.length).toBeGreaterThanOrEqual(12);
    expect(dora.weekly.some(w => w.deployments > 0)).toBe(true);
  });
});
