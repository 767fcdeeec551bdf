import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { expectToMatchOpenApi } from '../__testUtils__/openApi';
import {
  BASE,
  ENTITY_PATH,
  git,
  gitopsRepository,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY_ROUTE = '/v1/entities/{kind}/{namespace}/{name}';
const HOLD_ROUTE = `${ENTITY_ROUTE}/environments/{environment}/hold`;
const PROMOTIONS = `${ENTITY_ROUTE}/promotions`;
const JOE = mockCredentials.user.header('user:default/joe');

describe.each(databases.eachSupportedId())(
  'safety routes on %p',
  (databaseId: TestDatabaseId) => {
    let root: string;
    let bare: string;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'shiplog-safety-'));
      bare = gitopsRepository(root);
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const start = (options: { shiplog?: object; denyProd?: boolean } = {}) =>
      startPromotionBackend(databases, databaseId, { root, bare, ...options });
    type Server = Awaited<ReturnType<typeof start>>;

    const promote = (
      server: Server,
      body: object,
      auth = mockCredentials.user.header(),
    ) =>
      request(server)
        .post(`${ENTITY_PATH}/promotions`)
        .set('Authorization', auth)
        .send(body);

    it('holds and releases an environment, shown on the matrix', async () => {
      const server = await start();
      const held = await request(server)
        .post(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.user.header())
        .send({ reason: 'payments incident' });
      expect(held.status).toBe(201);
      expectToMatchOpenApi('POST', HOLD_ROUTE, 201, held.body);
      const matrix = await request(server)
        .get(`${ENTITY_PATH}/environments`)
        .set('Authorization', mockCredentials.user.header());
      expectToMatchOpenApi(
        'GET',
        `${ENTITY_ROUTE}/environments`,
        200,
        matrix.body,
      );
      expect(
        matrix.body.environments.find(
          (e: { name: string }) => e.name === 'stage',
        ).hold,
      ).toMatchObject({
        heldBy: 'user:default/mock',
        reason: 'payments incident',
      });

      const invalid = await request(server)
        .post(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.user.header())
        .send({});
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toContain('reason: is required');
      const asService = await request(server)
        .post(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.service.header())
        .send({ reason: 'x' });
      expect(asService.status).toBe(403);

      const released = await request(server)
        .delete(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.user.header());
      expect(released.status).toBe(200);
      expectToMatchOpenApi('DELETE', HOLD_ROUTE, 200, released.body);
      const again = await request(server)
        .delete(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.user.header());
      expect(again.status).toBe(404);
      expectToMatchOpenApi('DELETE', HOLD_ROUTE, 404, again.body);
    });

    it('refuses holding where the policy says no, before anything changes', async () => {
      const server = await start({ denyProd: true });
      const denied = await request(server)
        .post(`${ENTITY_PATH}/environments/prod/hold`)
        .set('Authorization', mockCredentials.user.header())
        .send({ reason: 'x' });
      expect(denied.status).toBe(403);
      expectToMatchOpenApi('POST', HOLD_ROUTE, 403, denied.body);
      expect(denied.body.error.message).toContain(
        'permission shiplog.environment.hold',
      );
    });

    it('refuses a promotion into a frozen environment with 422 naming the guard, unless overridden with a reason', async () => {
      const server = await start({
        shiplog: {
          freezes: [
            {
              name: 'sale',
              environments: ['stage'],
              from: new Date(Date.now() - 3600_000).toISOString(),
              to: new Date(Date.now() + 3600_000).toISOString(),
            },
          ],
        },
      });
      const refused = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toContain(
        'guard freeze: stage is frozen (sale)',
      );
      expect(refused.body.error.message).toContain('overrideFreeze: true');
      const noReason = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
        overrideFreeze: true,
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toContain(
        'reason: is required with overrideFreeze: true',
      );
      const overridden = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
        overrideFreeze: true,
        reason: 'security fix',
      });
      expect(overridden.status).toBe(201);
      expectToMatchOpenApi('POST', PROMOTIONS, 201, overridden.body);
    });

    it('waits for approval on plain Git, approved by another user, then commits; cancel frees the environment', async () => {
      const server = await start();
      const staged = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
      });
      expect(staged.status).toBe(201);
      await request(server)
        .post(`${BASE}/events`)
        .set('Authorization', mockCredentials.service.header())
        .send({
          id: 'stage-1.1.0',
          entityRef: 'checkout',
          type: 'deploy',
          status: 'succeeded',
          version: '1.1.0',
          environment: 'stage',
        })
        .expect(202);

      const waiting = await promote(server, {
        version: '1.1.0',
        environment: 'prod',
      });
      expect(waiting.status).toBe(201);
      expect(waiting.body.state).toBe('awaiting-approval');
      const id = waiting.body.id;
      const decide = (decision: string, auth: string, body: object = {}) =>
        request(server)
          .post(`${ENTITY_PATH}/promotions/${id}/${decision}`)
          .set('Authorization', auth)
          .send(body);

      const self = await decide('approve', mockCredentials.user.header());
      expect(self.status).toBe(403);
      expectToMatchOpenApi(
        'POST',
        `${PROMOTIONS}/{id}/approve`,
        403,
        self.body,
      );
      const approved = await decide('approve', JOE, { comment: 'ship it' });
      expect(approved.status).toBe(200);
      expectToMatchOpenApi(
        'POST',
        `${PROMOTIONS}/{id}/approve`,
        200,
        approved.body,
      );
      expect(approved.body).toMatchObject({
        state: 'merged',
        review: {
          decision: 'approved',
          by: 'user:default/joe',
          comment: 'ship it',
        },
      });
      expect(git(root, '--git-dir', bare, 'log', '-1', '--format=%s')).toBe(
        'Promote checkout 1.1.0 to prod',
      );
      const late = await decide('reject', JOE);
      expect(late.status).toBe(409);
      expectToMatchOpenApi('POST', `${PROMOTIONS}/{id}/reject`, 409, late.body);

      const cancelled = await decide('cancel', mockCredentials.user.header());
      expect(cancelled.status).toBe(200);
      expectToMatchOpenApi(
        'POST',
        `${PROMOTIONS}/{id}/cancel`,
        200,
        cancelled.body,
      );
      expect(cancelled.body).toMatchObject({
        state: 'cancelled',
        cancelledBy: 'user:default/mock',
      });
      const unknown = await request(server)
        .post(
          `${ENTITY_PATH}/promotions/00000000-0000-4000-8000-000000000000/cancel`,
        )
        .set('Authorization', mockCredentials.user.header())
        .send({});
      expect(unknown.status).toBe(404);
      const notAnId = await request(server)
        .post(`${ENTITY_PATH}/promotions/nope/cancel`)
        .set('Authorization', mockCredentials.user.header())
        .send({});
      expect(notAnId.status).toBe(400);
      expect(notAnId.body.error.message).toContain(
        'id: must be a promotion id',
      );
    });
  },
);
