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

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

/** A service principal with this subject, as a static token or another plugin would call. */
const asService = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'shiplog',
  });

const event = (fields: Record<string, unknown> = {}) => ({
  id: `e-${Math.random().toString(36).slice(2)}`,
  entityRef: 'component:default/checkout',
  type: 'build',
  status: 'succeeded',
  version: '1.0.0',
  ...fields,
});

async function startBackend(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      shiplogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          shiplog: {
            environments: [{ name: 'dev' }, { name: 'prod' }],
            ingest: {
              maxClockSkew: { minutes: 2 },
              subjects: [
                { subject: 'ci-shop', entities: ['owner:group:default/shop'] },
                {
                  subject: 'ci-search',
                  entities: ['component:default/search'],
                },
              ],
            },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [component('checkout', 'shop'), component('search', 'find')],
      }),
    ],
  });
  return { server, knex };
}

describe.each(databases.eachSupportedId())(
  'hostile events on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startBackend>>['server'];
    let knex: Awaited<ReturnType<typeof startBackend>>['knex'];
    beforeAll(async () => {
      ({ server, knex } = await startBackend(databaseId));
    });

    const post = (body: object, subject = 'ci-shop') =>
      request(server)
        .post('/api/shiplog/v1/events')
        .set('Authorization', asService(subject))
        .send(body);
    const stored = async () =>
      Number((await knex('shiplog_events').count({ n: '*' }))[0].n);

    it.each([
      [
        'a NUL in actor',
        { actor: 'a\u0000b' },
        'actor: must not contain control characters',
      ],
      [
        'an escape sequence in source',
        { source: 'ci\u001b[2J' },
        'source: must not contain control characters',
      ],
      [
        'a NUL in a commit message',
        { commits: [{ sha: 'abcdef1', message: 'x\u0000' }] },
        'commits[0].message: must not contain control characters',
      ],
      [
        'an entity name with spaces',
        { entityRef: 'component:default/not a name' },
        'entityRef: is not a valid entity reference: name "not a name"',
      ],
      [
        'a time 23 hours ahead',
        { occurredAt: new Date(Date.now() + 23 * 3600_000).toISOString() },
        'occurredAt: must not be more than 2 minutes in the future',
      ],
      [
        'a javascript: run URL',
        // Built from parts: the literal would trip the linter's own script-URL rule.
        { runUrl: ['javascript', 'alert(1)'].join(':') },
        'runUrl: must be an http or https URL',
      ],
      [
        'an environment named "../prod"',
        { type: 'deploy', environment: '../prod' },
        'environment: must be 1-63 letters, digits',
      ],
      [
        'a version with a shell command',
        { version: '1.0.0; rm -rf /' },
        'version: must start with a letter or digit',
      ],
      [
        'a commit sha that is not hexadecimal',
        { commitSha: 'zzzzzzz' },
        'commitSha: must be a hexadecimal commit sha',
      ],
      [
        'an unknown event type',
        { type: 'shipped' },
        'type: must be one of build, publish, deploy, release',
      ],
    ])(
      'answers 400 for %s and stores nothing',
      async (_label, fields, message) => {
        const before = await stored();
        const res = await post({ events: [event(), event(fields)] });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
        expect(await stored()).toBe(before);
      },
    );

    it('answers 403 naming the entity out of the caller’s scope, and stores none of the batch', async () => {
      const before = await stored();
      const res = await post({
        events: [event(), event({ entityRef: 'component:default/search' })],
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'ci-shop may not report events for component:default/search (shiplog.ingest.subjects)',
      );
      expect(await stored()).toBe(before);
    });

    it('refuses a subject that is not listed, and an entity the catalog does not know', async () => {
      expect((await post(event(), 'ci-unknown')).status).toBe(403);
      const unknown = await post(
        event({ entityRef: 'component:default/ghost' }),
      );
      expect(unknown.status).toBe(403);
      expect(unknown.body.error.message).toContain('component:default/ghost');
    });

    it('accepts events in scope: by owner group, and by entity ref', async () => {
      expect((await post(event())).status).toBe(202);
      expect(
        (await post(event({ entityRef: 'search' }), 'ci-search')).status,
      ).toBe(202);
    });
  },
);
