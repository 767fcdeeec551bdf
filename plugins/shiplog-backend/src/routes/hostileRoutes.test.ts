import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  BASE,
  ENTITY_PATH,
  gitopsRepository,
  startPromotionBackend,
} from '../__testUtils__/promotionBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const USER = mockCredentials.user.header();
const SOME_PROMOTION = '00000000-0000-4000-8000-000000000000';

/**
 * What a signed-in user types reaches commit messages, pull requests, Slack and the database (which
 * cannot store NUL on PostgreSQL): each hostile body is a 400 naming the field, before anything changes.
 */
describe.each(databases.eachSupportedId())(
  'hostile promotion, hold and review requests on %p',
  (databaseId: TestDatabaseId) => {
    let root: string;
    let server: Awaited<ReturnType<typeof startPromotionBackend>>;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'shiplog-hostile-'));
      server = await startPromotionBackend(databases, databaseId, {
        root,
        bare: gitopsRepository(root),
      });
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it.each([
      [
        'a hold whose reason holds a NUL',
        'environments/stage/hold',
        { reason: 'incident\u0000' },
        'reason: must not contain control characters',
      ],
      [
        'a rollback whose reason clears the terminal',
        'promotions',
        {
          version: '1.0.0',
          environment: 'dev',
          rollback: true,
          reason: 'bad\u001b[2J',
        },
        'reason: must not contain control characters',
      ],
      [
        'a freeze override whose reason holds a NUL',
        'promotions',
        {
          version: '1.1.0',
          environment: 'stage',
          overrideFreeze: true,
          reason: '\u0000',
        },
        'reason: must not contain control characters',
      ],
      [
        'an approval whose comment holds a NUL',
        `promotions/${SOME_PROMOTION}/approve`,
        { comment: 'ok\u0000' },
        'comment: must not contain control characters',
      ],
      [
        'a version that walks up a path',
        'promotions',
        { version: '../../etc/passwd', environment: 'stage' },
        'version: must start with a letter or digit',
      ],
      [
        'an environment that walks up a path',
        'promotions',
        { version: '1.1.0', environment: '../prod' },
        'environment: must be 1-63 letters, digits',
      ],
      [
        'a promotion that tries to skip its guards',
        'promotions',
        { version: '1.1.0', environment: 'stage', force: true },
        'unknown field(s) "force"',
      ],
    ])('answers 400 for %s', async (_label, path, body, message) => {
      const res = await request(server)
        .post(`${ENTITY_PATH}/${path}`)
        .set('Authorization', USER)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('stored nothing for any of them: no hold, no promotion', async () => {
      const matrix = await request(server)
        .get(`${ENTITY_PATH}/environments`)
        .set('Authorization', USER);
      expect(
        matrix.body.environments.filter((e: { hold?: object }) => e.hold),
      ).toEqual([]);
      const promotions = await request(server)
        .get(`${ENTITY_PATH}/promotions`)
        .set('Authorization', USER);
      expect(promotions.body.items).toEqual([]);
    });

    it('answers 404 for an entity path that walks up, and 401 without credentials', async () => {
      const walked = await request(server)
        .post(
          `${BASE}/entities/component/default/..%2F..%2Fcheckout/promotions`,
        )
        .set('Authorization', USER)
        .send({ version: '1.1.0', environment: 'stage' });
      expect(walked.status).toBe(404);
      const anonymous = await request(server)
        .post(`${ENTITY_PATH}/environments/stage/hold`)
        .set('Authorization', mockCredentials.none.header())
        .send({ reason: 'x' });
      expect(anonymous.status).toBe(401);
    });
  },
);
