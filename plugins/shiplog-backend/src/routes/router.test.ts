import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { shiplogPlugin } from '../plugin';
import {
  documentedRoutes,
  expectToMatchOpenApi,
  routerRoutes,
} from '../__testUtils__/openApi';
import { createRouter } from './router';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'shiplog.dev/image': 'ghcr.io/acme/checkout' },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

const ENVIRONMENTS = [
  { name: 'dev' },
  { name: 'stage' },
  { name: 'prod', sync: 'manual', requiresApproval: true },
];
const BASE = '/api/shiplog/v1';
const ENTITY_PATH = `${BASE}/entities/component/default/checkout`;
const sha = (n: number) => n.toString(16).padStart(40, '0');
const at = (minute: number) =>
  new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

async function startBackend(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      shiplogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: { shiplog: { environments: ENVIRONMENTS } },
      }),
      catalogServiceMock.factory({ entities: [checkout] }),
    ],
  });
  return server;
}

const service = () => mockCredentials.service.header();
const user = () => mockCredentials.user.header();

describe.each(databases.eachSupportedId())(
  'shiplog router on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startBackend>>;

    beforeEach(async () => {
      server = await startBackend(databaseId);
    });

    const post = (body: unknown) =>
      request(server)
        .post(`${BASE}/events`)
        .set('Authorization', service())
        .send(body as object);

    it('accepts one event, then counts its redelivery as a duplicate', async () => {
      const event = {
        id: 'e1',
        entityRef: 'checkout',
        type: 'build',
        status: 'succeeded',
        version: '1.0.0',
        commitSha: sha(1),
      };
      const first = await post(event);
      expect(first.status).toBe(202);
      expect(first.body).toEqual({ accepted: 1, duplicates: 0 });
      expectToMatchOpenApi('POST', '/v1/events', 202, first.body);
      expect((await post(event)).body).toEqual({ accepted: 0, duplicates: 1 });
    });

    it('refuses a batch with one invalid event whole, naming the field and the reason', async () => {
      const res = await post({
        events: [
          {
            id: 'ok',
            entityRef: 'checkout',
            type: 'build',
            status: 'started',
            version: '1.0.0',
          },
          {
            id: 'bad',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'succeeded',
            version: '1.0.0',
          },
          {
            id: 'worse',
            entityRef: 'checkout',
            type: 'shipped',
            status: 'succeeded',
            version: '1.0.0',
          },
        ],
      });
      expect(res.status).toBe(400);
      expectToMatchOpenApi('POST', '/v1/events', 400, res.body);
      expect(res.body.error.message).toContain(
        'events[1].environment: is required for a deploy event',
      );
      expect(res.body.error.message).toContain(
        'events[2].type: must be one of build, publish, deploy, release',
      );
      const releases = await request(server)
        .get(`${ENTITY_PATH}/releases`)
        .set('Authorization', user());
      expect(releases.body.items).toEqual([]);
    });

    it.each([
      [
        'an empty batch',
        { events: [] },
        'events: must contain at least one event',
      ],
      [
        'a batch of 501',
        { events: Array.from({ length: 501 }, (_, i) => ({ id: `x${i}` })) },
        'events: must contain at most 500 events',
      ],
      ['an array body', [1, 2], '(body): must be a JSON object'],
      [
        'a bad digest',
        {
          id: 'a',
          entityRef: 'checkout',
          type: 'publish',
          status: 'succeeded',
          image: { repository: 'r', tag: 't', digest: 'md5:1' },
        },
        'image.digest: must be "sha256:"',
      ],
      [
        'a bad time',
        {
          id: 'a',
          entityRef: 'checkout',
          type: 'build',
          status: 'succeeded',
          version: '1',
          occurredAt: 'yesterday',
        },
        'occurredAt: must be an ISO 8601 date-time',
      ],
      [
        'an unknown field',
        {
          id: 'a',
          entityRef: 'checkout',
          type: 'build',
          status: 'succeeded',
          version: '1',
          extra: true,
        },
        'unknown field(s) "extra"',
      ],
      [
        'a build without version',
        { id: 'a', entityRef: 'checkout', type: 'build', status: 'succeeded' },
        'version: or commitSha is required for a build event',
      ],
      [
        'a time far in the future',
        {
          id: 'a',
          entityRef: 'checkout',
          type: 'build',
          status: 'succeeded',
          version: '1',
          occurredAt: '2999-01-01T00:00:00Z',
        },
        'occurredAt: must not be more than 5 minutes in the future',
      ],
      [
        'an entity ref too long once normalised',
        {
          id: 'a',
          entityRef: 'x'.repeat(250),
          type: 'build',
          status: 'succeeded',
          version: '1',
        },
        'entityRef: is too long',
      ],
      [
        'a huge pull request number',
        {
          id: 'a',
          entityRef: 'checkout',
          type: 'build',
          status: 'succeeded',
          version: '1',
          commits: [
            { sha: 'abcdef1', pullRequest: { number: 2 ** 40, labels: [] } },
          ],
        },
        'commits[0].pullRequest.number: must be at most 2147483647',
      ],
      [
        'a bad entity ref',
        {
          id: 'a',
          entityRef: 'component:',
          type: 'build',
          status: 'succeeded',
          version: '1',
        },
        'entityRef: is not a valid entity reference',
      ],
    ])('answers 400 for %s', async (_label, body, message) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await post({
        events: [
          {
            id: 'big',
            entityRef: 'checkout',
            type: 'build',
            status: 'started',
            version: '1',
            actor: 'x'.repeat(6 * 1024 * 1024),
          },
        ],
      });
      expect(res.status).toBe(413);
    });

    it('refuses anonymous callers and users on the ingest route', async () => {
      const event = {
        id: 'e1',
        entityRef: 'checkout',
        type: 'build',
        status: 'succeeded',
        version: '1.0.0',
      };
      const anonymous = mockCredentials.none.header();
      expect(
        (
          await request(server)
            .post(`${BASE}/events`)
            .set('Authorization', anonymous)
            .send(event)
        ).status,
      ).toBe(401);
      expect(
        (
          await request(server)
            .post(`${BASE}/events`)
            .set('Authorization', mockCredentials.service.invalidHeader())
            .send(event)
        ).status,
      ).toBe(401);
      expect(
        (
          await request(server)
            .post(`${BASE}/events`)
            .set('Authorization', user())
            .send(event)
        ).status,
      ).toBe(403);
      expect(
        (
          await request(server)
            .get(`${ENTITY_PATH}/environments`)
            .set('Authorization', anonymous)
        ).status,
      ).toBe(401);
    });

    it('answers 404 for an entity the catalog does not know', async () => {
      const res = await request(server)
        .get(`${BASE}/entities/component/default/nope/environments`)
        .set('Authorization', user());
      expect(res.status).toBe(404);
      expectToMatchOpenApi(
        'GET',
        '/v1/entities/{kind}/{namespace}/{name}/environments',
        404,
        res.body,
      );
    });

    it('serves the environment matrix with drift and undeployed commits', async () => {
      const commits = (from: number, to: number) =>
        Array.from({ length: to - from + 1 }, (_, i) => ({
          sha: sha(from + i),
          message: `feat: change ${from + i}`,
        }));
      await post({
        events: [
          {
            id: 'b1',
            entityRef: 'checkout',
            type: 'build',
            status: 'succeeded',
            version: '1.0.0',
            commitSha: sha(3),
            commits: commits(1, 3),
            occurredAt: at(1),
          },
          {
            id: 'b2',
            entityRef: 'checkout',
            type: 'build',
            status: 'succeeded',
            version: '1.1.0',
            commitSha: sha(5),
            commits: commits(4, 5),
            occurredAt: at(2),
          },
          {
            id: 'b3',
            entityRef: 'checkout',
            type: 'build',
            status: 'succeeded',
            version: '1.2.0',
            commitSha: sha(9),
            commits: commits(6, 9),
            occurredAt: at(3),
          },
          {
            id: 'b4',
            entityRef: 'checkout',
            type: 'build',
            status: 'started',
            version: '1.3.0',
            commitSha: sha(11),
            commits: commits(10, 11),
            occurredAt: at(4),
          },
          {
            id: 'd1',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'succeeded',
            version: '1.2.0',
            environment: 'dev',
            occurredAt: at(10),
          },
          {
            id: 'd2',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'succeeded',
            version: '1.2.0',
            environment: 'stage',
            occurredAt: at(11),
          },
          {
            id: 'd3',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'succeeded',
            version: '1.0.0',
            environment: 'prod',
            actor: 'ops',
            occurredAt: at(12),
          },
          {
            id: 'd4',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'failed',
            version: '1.2.0',
            environment: 'prod',
            occurredAt: at(13),
          },
        ],
      });
      const res = await request(server)
        .get(`${ENTITY_PATH}/environments`)
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectToMatchOpenApi(
        'GET',
        '/v1/entities/{kind}/{namespace}/{name}/environments',
        200,
        res.body,
      );
      const [dev, stage, prod] = res.body.environments;
      expect(dev).toMatchObject({
        name: 'dev',
        status: 'succeeded',
        current: { version: '1.2.0' },
      });
      expect(stage.drift).toEqual({
        previousEnvironment: 'dev',
        releasesBehind: 0,
        commitsBehind: 0,
        aheadOfPrevious: false,
      });
      expect(prod).toMatchObject({
        name: 'prod',
        policy: { sync: 'manual', requiresApproval: true },
        status: 'failed',
        current: { version: '1.0.0', actor: 'ops' },
        lastAttempt: { version: '1.2.0', status: 'failed' },
        drift: {
          previousEnvironment: 'stage',
          releasesBehind: 2,
          commitsBehind: 6,
        },
      });
      expect(res.body.undeployed.commitCount).toBe(2);
      expect(
        res.body.undeployed.commits.map((c: { sha: string }) => c.sha),
      ).toEqual([sha(11), sha(10)]);
    });

    it('pages through deployments with a keyset cursor, filtered by environment and status', async () => {
      await post({
        events: Array.from({ length: 30 }, (_, i) => ({
          id: `d${i}`,
          entityRef: 'checkout',
          type: 'deploy',
          status: i % 5 === 4 ? 'failed' : 'succeeded',
          version: `1.0.${i}`,
          environment: i % 3 === 0 ? 'prod' : 'dev',
          occurredAt: at(i),
        })),
      });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await request(server)
          .get(`${ENTITY_PATH}/deployments`)
          .query({ limit: 7, ...(cursor ? { cursor } : {}) })
          .set('Authorization', user());
        expect(res.status).toBe(200);
        expectToMatchOpenApi(
          'GET',
          '/v1/entities/{kind}/{namespace}/{name}/deployments',
          200,
          res.body,
        );
        seen.push(...res.body.items.map((d: { version: string }) => d.version));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(
        Array.from({ length: 30 }, (_, i) => `1.0.${29 - i}`),
      );

      const prodFailed = await request(server)
        .get(`${ENTITY_PATH}/deployments`)
        .query({ environment: 'prod', status: 'failed' })
        .set('Authorization', user());
      expect(
        prodFailed.body.items.map((d: { version: string }) => d.version),
      ).toEqual(['1.0.24', '1.0.9']);

      const badCursor = await request(server)
        .get(`${ENTITY_PATH}/deployments`)
        .query({ cursor: 'nonsense' })
        .set('Authorization', user());
      expect(badCursor.status).toBe(400);
      const badLimit = await request(server)
        .get(`${ENTITY_PATH}/deployments`)
        .query({ limit: 1000 })
        .set('Authorization', user());
      expect(badLimit.body.error.message).toContain(
        'limit: must be at most 200',
      );
    });

    it('lists releases newest first with stages and commits, and the changelog between two', async () => {
      await post({
        events: [
          {
            id: 'b1',
            entityRef: 'checkout',
            type: 'build',
            status: 'succeeded',
            version: '1.0.0',
            commitSha: sha(2),
            commits: [
              { sha: sha(1), message: 'feat: a (#1)' },
              { sha: sha(2), message: 'fix: b' },
            ],
            occurredAt: at(1),
          },
          {
            id: 'p1',
            entityRef: 'checkout',
            type: 'publish',
            status: 'succeeded',
            version: '1.0.0',
            image: {
              repository: 'ghcr.io/acme/checkout',
              tag: '1.0.0',
              digest: `sha256:${'b'.repeat(64)}`,
            },
            occurredAt: at(2),
          },
          {
            id: 'b2',
            entityRef: 'checkout',
            type: 'build',
            status: 'failed',
            version: '1.1.0',
            commitSha: sha(4),
            commits: [
              {
                sha: sha(3),
                message: 'feat: c',
                pullRequest: { number: 7, labels: ['no-deploy-to-prod'] },
              },
              { sha: sha(4), message: 'fix: d (#8)' },
            ],
            occurredAt: at(3),
          },
          {
            id: 'd1',
            entityRef: 'checkout',
            type: 'deploy',
            status: 'succeeded',
            version: '1.0.0',
            environment: 'dev',
            occurredAt: at(4),
          },
        ],
      });
      const res = await request(server)
        .get(`${ENTITY_PATH}/releases`)
        .set('Authorization', user());
      expect(res.status).toBe(200);
      expectToMatchOpenApi(
        'GET',
        '/v1/entities/{kind}/{namespace}/{name}/releases',
        200,
        res.body,
      );
      const [newest, oldest] = res.body.items;
      expect(newest).toMatchObject({
        version: '1.1.0',
        stages: { build: { status: 'failed' } },
        commitCount: 2,
      });
      expect(newest.commits.map((c: { sha: string }) => c.sha)).toEqual([
        sha(4),
        sha(3),
      ]);
      expect(oldest).toMatchObject({
        version: '1.0.0',
        stages: {
          publish: {
            status: 'succeeded',
            image: { digest: `sha256:${'b'.repeat(64)}` },
          },
        },
        deployments: { dev: { status: 'succeeded' } },
        commitCount: 2,
      });

      const changelog = await request(server)
        .get(`${ENTITY_PATH}/changelog`)
        .query({ from: '1.0.0', to: '1.1.0' })
        .set('Authorization', user());
      expect(changelog.status).toBe(200);
      expectToMatchOpenApi(
        'GET',
        '/v1/entities/{kind}/{namespace}/{name}/changelog',
        200,
        changelog.body,
      );
      expect(changelog.body.commits.map((c: { sha: string }) => c.sha)).toEqual(
        [sha(4), sha(3)],
      );
      expect(
        changelog.body.pullRequests.map((p: { number: number }) => p.number),
      ).toEqual([8, 7]);
      expect(changelog.body.releases).toEqual(['1.1.0']);

      const unknown = await request(server)
        .get(`${ENTITY_PATH}/changelog`)
        .query({ from: '0.1.0', to: '1.1.0' })
        .set('Authorization', user());
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain('from: no release "0.1.0"');
      const missing = await request(server)
        .get(`${ENTITY_PATH}/changelog`)
        .query({ from: '1.0.0' })
        .set('Authorization', user());
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('to: is required');
    });
  },
);

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', async () => {
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      ingester: {} as never,
      ledger: {} as never,
      nextVersion: {} as never,
      entities: {} as never,
      permissions: mockServices.permissions(),
      argocd: {} as never,
    });
    expect(routerRoutes(router).sort()).toEqual(documentedRoutes().sort());
  });
});
