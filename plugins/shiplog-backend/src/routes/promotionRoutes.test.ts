import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

const ROUTE = '/v1/entities/{kind}/{namespace}/{name}/promotions';

describe.each(databases.eachSupportedId())(
  'promotion routes on %p',
  (databaseId: TestDatabaseId) => {
    let root: string;
    let bare: string;

    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'shiplog-routes-'));
      bare = gitopsRepository(root);
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const startBackend = (
      options: { denyProd?: boolean; repository?: string } = {},
    ) =>
      startPromotionBackend(databases, databaseId, { root, bare, ...options });

    const promote = (
      server: Awaited<ReturnType<typeof startBackend>>,
      body: object,
    ) =>
      request(server)
        .post(`${ENTITY_PATH}/promotions`)
        .set('Authorization', mockCredentials.user.header())
        .send(body);

    it('previews, promotes through a real Git repository, and lists the promotion', async () => {
      const server = await startBackend();
      const preview = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
        dryRun: true,
      });
      expect(preview.status).toBe(200);
      expectToMatchOpenApi('POST', ROUTE, 200, preview.body);
      expect(preview.body).toMatchObject({
        fromVersion: '1.0.0',
        allowed: true,
        canProceed: true,
        change: {
          executor: 'git',
          kind: 'commit',
          path: 'charts/checkout/values-stage.yaml',
        },
        changelog: { releases: ['1.1.0'], groups: [{ title: 'Features' }] },
      });

      const created = await promote(server, {
        version: '1.1.0',
        environment: 'stage',
      });
      expect(created.status).toBe(201);
      expectToMatchOpenApi('POST', ROUTE, 201, created.body);
      expect(created.body).toMatchObject({
        state: 'merged',
        requestedBy: 'user:default/mock',
        change: { executor: 'git', previousValue: '1.0.0', branch: 'main' },
      });
      expect(
        git(
          root,
          '--git-dir',
          bare,
          'show',
          'main:charts/checkout/values-stage.yaml',
        ),
      ).toBe(
        '# checkout in stage\nimage:\n  repository: ghcr.io/acme/checkout\n  tag: 1.1.0 # set by Shiplog',
      );
      expect(
        git(root, '--git-dir', bare, 'log', '-1', '--format=%an <%ae>: %s'),
      ).toBe('Shiplog <shiplog@localhost>: Promote checkout 1.1.0 to stage');

      const list = await request(server)
        .get(`${ENTITY_PATH}/promotions`)
        .query({ environment: 'stage' })
        .set('Authorization', mockCredentials.user.header());
      expect(list.status).toBe(200);
      expectToMatchOpenApi('GET', ROUTE, 200, list.body);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([
        created.body.id,
      ]);
    });

    it('lets exactly one of 20 concurrent requests promote to one environment; the others get 409 naming it', async () => {
      const server = await startBackend();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          promote(server, { version: '1.1.0', environment: 'stage' }),
        ),
      );
      const created = responses.filter(r => r.status === 201);
      const conflicts = responses.filter(r => r.status === 409);
      expect(created).toHaveLength(1);
      expect(conflicts).toHaveLength(19);
      for (const conflict of conflicts) {
        expectToMatchOpenApi('POST', ROUTE, 409, conflict.body);
        expect(conflict.body.error.message).toContain(
          `promotion ${created[0].body.id} of 1.1.0 to stage is in flight`,
        );
      }
      expect(git(root, '--git-dir', bare, 'rev-list', '--count', 'main')).toBe(
        '2',
      );
    });

    it('answers 422 naming the guard, 400 naming the field, 404 for an unknown entity, 401 without credentials', async () => {
      const server = await startBackend();
      const refused = await promote(server, {
        version: '1.2.0',
        environment: 'dev',
      });
      expect(refused.status).toBe(422);
      expectToMatchOpenApi('POST', ROUTE, 422, refused.body);
      expect(refused.body.error).toMatchObject({
        name: 'PromotionRefusedError',
        message: expect.stringContaining(
          'guard version-published: 1.2.0 has no published image',
        ),
      });
      const downgrade = await promote(server, {
        version: '1.0.0',
        environment: 'dev',
      });
      expect(downgrade.status).toBe(422);
      expect(downgrade.body.error.message).toContain(
        'guard no-downgrade: dev runs 1.1.0, newer than 1.0.0',
      );
      expect(downgrade.body.error.message).toContain(
        'rollback: true and a reason',
      );

      const invalid = await promote(server, {
        version: '1.0.0',
        environment: 'dev',
        rollback: true,
        extra: 1,
      });
      expect(invalid.status).toBe(400);
      expectToMatchOpenApi('POST', ROUTE, 400, invalid.body);
      expect(invalid.body.error.message).toContain(
        'reason: is required with rollback: true',
      );
      expect(invalid.body.error.message).toContain('unknown field(s) "extra"');
      const badQuery = await request(server)
        .get(`${ENTITY_PATH}/promotions`)
        .query({ state: 'shipped' })
        .set('Authorization', mockCredentials.user.header());
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toContain(
        'state: must be one of requested, change_opened',
      );

      const unknown = await request(server)
        .post(`${BASE}/entities/component/default/nope/promotions`)
        .set('Authorization', mockCredentials.user.header())
        .send({ version: '1.1.0', environment: 'stage' });
      expect(unknown.status).toBe(404);
      expectToMatchOpenApi('POST', ROUTE, 404, unknown.body);
      const anonymous = await request(server)
        .post(`${ENTITY_PATH}/promotions`)
        .set('Authorization', mockCredentials.none.header())
        .send({ version: '1.1.0', environment: 'stage' });
      expect(anonymous.status).toBe(401);
      expectToMatchOpenApi('POST', ROUTE, 401, anonymous.body);
    });

    it('answers 403 where the permission policy says no, and says so in the preview', async () => {
      const server = await startBackend({ denyProd: true });
      const preview = await promote(server, {
        version: '1.0.0',
        environment: 'prod',
        dryRun: true,
      });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ allowed: false, canProceed: false });
      const denied = await promote(server, {
        version: '1.1.0',
        environment: 'prod',
      });
      expect(denied.status).toBe(403);
      expectToMatchOpenApi('POST', ROUTE, 403, denied.body);
      expect(denied.body.error.message).toContain(
        'You may not promote component:default/checkout to prod (permission shiplog.promotion.create)',
      );
    });

    it('lets a service token preview but not promote (the policy only decides for users)', async () => {
      const server = await startBackend({});
      const asService = (body: object) =>
        request(server)
          .post(`${ENTITY_PATH}/promotions`)
          .set('Authorization', mockCredentials.service.header())
          .send(body);
      const preview = await asService({
        version: '1.1.0',
        environment: 'dev',
        dryRun: true,
      });
      expect(preview.status).toBe(200);
      const refused = await asService({ version: '1.1.0', environment: 'dev' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        'Promotions are made by signed-in users',
      );
    });

    it('refuses a file:// repository outside the allowed roots with 422', async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'shiplog-elsewhere-'));
      try {
        const server = await startBackend({
          repository: pathToFileURL(gitopsRepository(elsewhere)).toString(),
        });
        const refused = await promote(server, {
          version: '1.1.0',
          environment: 'stage',
        });
        expect(refused.status).toBe(422);
        expect(refused.body.error.message).toContain(
          'is a local repository outside shiplog.gitops.allowedFileRoots',
        );
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });
  },
);
