import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import request from 'supertest';
import { expectToMatchOpenApi } from '../__testUtils__/openApi';
import { shiplogPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};
const BASE = '/api/shiplog/v1';
const NEXT_VERSION = `${BASE}/entities/component/default/checkout/next-version`;
const sha = (n: number) => n.toString(16).padStart(40, '0');

async function startBackend(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      shiplogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: { shiplog: { environments: [{ name: 'dev' }] } },
      }),
      catalogServiceMock.factory({ entities: [checkout] }),
    ],
  });
  return server;
}

describe.each(databases.eachSupportedId())('next-version on %p', databaseId => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  let eventCount = 0;
  beforeEach(async () => {
    server = await startBackend(databaseId);
  });

  const post = async (event: Omit<ReleaseEventInput, 'id' | 'entityRef'>) => {
    const res = await request(server)
      .post(`${BASE}/events`)
      .set('Authorization', mockCredentials.service.header())
      .send({ id: `e${eventCount++}`, entityRef: 'checkout', ...event });
    expect(res.status).toBe(202);
  };
  /** A merge as CI reports it: the build of the commit, named by its sha, with its commits. */
  const merge = (n: number, message: string, labels: string[] = []) =>
    post({
      type: 'build',
      status: 'succeeded',
      commitSha: sha(n),
      commits: [
        {
          sha: sha(n),
          message,
          ...(labels.length
            ? { pullRequest: { number: n, title: message, labels } }
            : {}),
        },
      ],
    });
  const release = (n: number, version: string) =>
    post({ type: 'release', status: 'succeeded', version, commitSha: sha(n) });
  const nextVersion = (
    commitSha: string,
    auth = mockCredentials.user.header(),
  ) =>
    request(server)
      .get(NEXT_VERSION)
      .query({ commitSha })
      .set('Authorization', auth);

  it('names the next version from the commits since the last release, with notes', async () => {
    await merge(1, 'feat: first');
    await release(1, '1.0.0');
    await merge(2, 'fix(cart): rounding (#2)');
    await merge(3, 'docs: readme');
    const res = await nextVersion(sha(3), mockCredentials.service.header());
    expect(res.status).toBe(200);
    expectToMatchOpenApi(
      'GET',
      '/v1/entities/{kind}/{namespace}/{name}/next-version',
      200,
      res.body,
    );
    expect(res.body).toMatchObject({
      version: '1.0.1',
      previous: '1.0.0',
      bump: 'patch',
    });
    expect(res.body.commits.map((c: { sha: string }) => c.sha)).toEqual([
      sha(3),
      sha(2),
    ]);
    expect(res.body.notes).toContain('### Bug fixes');
    expect(res.body.notes).toContain('- **cart:** rounding (#2)');
  });

  it('counts semver labels of pull requests and breaking changes', async () => {
    await merge(1, 'feat: first');
    await release(1, '1.4.2');
    await merge(2, 'chore: config', ['semver:minor']);
    expect((await nextVersion(sha(2))).body).toMatchObject({
      version: '1.5.0',
      bump: 'minor',
    });
    await merge(3, 'feat!: drop v1');
    expect((await nextVersion(sha(3))).body).toMatchObject({
      version: '2.0.0',
      bump: 'major',
    });
  });

  it('answers the release itself for a released commit, also after later releases', async () => {
    await merge(1, 'feat: first');
    await release(1, '1.0.0');
    await merge(2, 'feat: second');
    await release(2, '1.1.0');
    await merge(3, 'fix: third');
    await release(3, '1.1.1');
    expect((await nextVersion(sha(2))).body).toMatchObject({
      version: '1.1.0',
      previous: '1.1.0',
      bump: 'none',
      commits: [],
    });
  });

  it('starts at 0.1.0 before the first release', async () => {
    await merge(1, 'feat: first');
    expect((await nextVersion(sha(1))).body).toMatchObject({
      version: '0.1.0',
      bump: 'minor',
    });
    expect((await nextVersion(sha(1))).body.previous).toBeUndefined();
  });

  it('refuses an unknown commit, a bad sha, no credentials and an unknown entity', async () => {
    const unknown = await nextVersion(sha(9));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain(
      `commitSha: ${sha(9)} is not in the ledger`,
    );
    const bad = await nextVersion('abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'commitSha: must be a full 40-character commit sha',
    );
    const missing = await request(server)
      .get(NEXT_VERSION)
      .set('Authorization', mockCredentials.user.header());
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('commitSha: is required');
    expect(
      (await nextVersion(sha(1), mockCredentials.service.invalidHeader()))
        .status,
    ).toBe(401);
    expect(
      (await nextVersion(sha(1), mockCredentials.none.header())).status,
    ).toBe(401);
    const other = await request(server)
      .get(`${BASE}/entities/component/default/other/next-version`)
      .query({ commitSha: sha(1) })
      .set('Authorization', mockCredentials.user.header());
    expect(other.status).toBe(404);
  });
});
