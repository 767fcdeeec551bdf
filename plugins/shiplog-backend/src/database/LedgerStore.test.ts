import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  ReleaseEvent,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { LedgerStore, pullRequestNumberFromMessage } from './LedgerStore';
import { migrationsDir } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY = 'component:default/checkout';
const sha = (n: number) => n.toString(16).padStart(40, '0');
const at = (minute: number) =>
  new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

function event(input: Record<string, unknown>): ReleaseEvent {
  return releaseEventInputSchema.parse({ entityRef: ENTITY, ...input });
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  await knex.migrate.latest({ directory: migrationsDir });
  return { knex, store: new LedgerStore(knex) };
}

describe.each(databases.eachSupportedId())('LedgerStore on %p', databaseId => {
  let knex: Knex;
  let store: LedgerStore;

  beforeEach(async () => {
    ({ knex, store } = await createStore(databaseId));
  });

  it('is idempotent on the event id, within a batch and across batches', async () => {
    const build = event({
      id: 'b1',
      type: 'build',
      status: 'succeeded',
      version: '1.0.0',
      commitSha: sha(1),
      occurredAt: at(1),
    });
    await expect(store.ingest([build, build])).resolves.toEqual({
      accepted: 1,
      duplicates: 1,
    });
    await expect(store.ingest([build])).resolves.toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(await knex('shiplog_events').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
    const [{ n }] = await knex('shiplog_events').count({ n: '*' });
    expect(Number(n)).toBe(1);
  });

  it('stores nothing of a batch whose write fails', async () => {
    const good = event({
      id: 'ok',
      type: 'build',
      status: 'started',
      version: '1.0.0',
      occurredAt: at(1),
    });
    // An environment name longer than the column, smuggled past validation, makes PostgreSQL refuse the row;
    // SQLite does not enforce lengths, so there we force a failure with a NOT NULL violation instead.
    const bad = {
      ...event({
        id: 'bad',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'prod',
        occurredAt: at(2),
      }),
      environment: null,
    } as unknown as ReleaseEvent;
    // Compared by message: with Jest's module cache the driver's error class may come from another realm.
    const outcome = await store.ingest([good, bad]).then(
      () => 'stored',
      (error: { message?: string }) => String(error?.message ?? error),
    );
    expect(outcome).toMatch(/NOT NULL|null value/i);
    const [{ n }] = await knex('shiplog_events').count({ n: '*' });
    expect(Number(n)).toBe(0);
    const [{ r }] = await knex('shiplog_releases').count({ r: '*' });
    expect(Number(r)).toBe(0);
  });

  it('derives releases with the latest status of each stage, whatever order events arrive in', async () => {
    await store.ingest([
      event({
        id: 'p',
        type: 'publish',
        status: 'succeeded',
        version: '1.2.0',
        image: {
          repository: 'ghcr.io/acme/checkout',
          tag: '1.2.0',
          digest: `sha256:${'a'.repeat(64)}`,
        },
        occurredAt: at(5),
      }),
    ]);
    await store.ingest([
      event({
        id: 'b2',
        type: 'build',
        status: 'succeeded',
        version: '1.2.0',
        commitSha: sha(7),
        runUrl: 'https://ci.example.com/2',
        occurredAt: at(4),
      }),
      event({
        id: 'b1',
        type: 'build',
        status: 'started',
        version: '1.2.0',
        commitSha: sha(7),
        occurredAt: at(3),
      }),
    ]);
    // A late-arriving "started" must not undo the success.
    await store.ingest([
      event({
        id: 'b0',
        type: 'build',
        status: 'started',
        version: '1.2.0',
        occurredAt: at(3),
      }),
    ]);
    const [release] = await store.getReleases(ENTITY, ['1.2.0']);
    expect(release).toMatchObject({
      version: '1.2.0',
      commitSha: sha(7),
      build: { status: 'succeeded', runUrl: 'https://ci.example.com/2' },
      publish: { status: 'succeeded' },
      image: {
        repository: 'ghcr.io/acme/checkout',
        tag: '1.2.0',
        digest: `sha256:${'a'.repeat(64)}`,
      },
    });
    expect(release.firstSeenAt).toBe(Date.parse(at(3)));
  });

  it('orders releases by semver precedence and paginates by key', async () => {
    const versions = [
      '1.10.0',
      '1.2.0',
      '1.9.0',
      '2.0.0-rc.1',
      '2.0.0',
      '1.9.1',
    ];
    await store.ingest(
      versions.map((version, i) =>
        event({
          id: `r${i}`,
          type: 'build',
          status: 'succeeded',
          version,
          occurredAt: at(i),
        }),
      ),
    );
    const first = await store.listReleases(ENTITY, { limit: 3 });
    expect(first.map(r => r.version)).toEqual([
      '2.0.0',
      '2.0.0-rc.1',
      '1.10.0',
    ]);
    const rest = await store.listReleases(ENTITY, {
      limit: 10,
      beforeKey: first[2].versionKey,
    });
    expect(rest.map(r => r.version)).toEqual(['1.9.1', '1.9.0', '1.2.0']);
  });

  it('pairs a deploy start with its end, keeps state per environment and flags a rollback', async () => {
    await store.ingest([
      event({
        id: 'v1',
        type: 'build',
        status: 'succeeded',
        version: '1.0.0',
        commitSha: sha(1),
        occurredAt: at(0),
      }),
      event({
        id: 'v2',
        type: 'build',
        status: 'succeeded',
        version: '1.1.0',
        commitSha: sha(2),
        occurredAt: at(1),
      }),
    ]);
    await store.ingest([
      event({
        id: 'd1s',
        type: 'deploy',
        status: 'started',
        version: '1.0.0',
        environment: 'prod',
        actor: 'alice',
        occurredAt: at(10),
      }),
    ]);
    await store.ingest([
      event({
        id: 'd1e',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'prod',
        occurredAt: at(12),
      }),
    ]);
    await store.ingest([
      event({
        id: 'd2',
        type: 'deploy',
        status: 'succeeded',
        version: '1.1.0',
        environment: 'prod',
        occurredAt: at(20),
      }),
      event({
        id: 'd3',
        type: 'deploy',
        status: 'failed',
        version: '1.1.0',
        environment: 'prod',
        occurredAt: at(25),
      }),
    ]);
    let [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current).toMatchObject({
      version: '1.1.0',
      status: 'succeeded',
      rollback: false,
    });
    expect(state.attempt).toMatchObject({ version: '1.1.0', status: 'failed' });

    await store.ingest([
      event({
        id: 'd4',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'prod',
        actor: 'bob',
        occurredAt: at(30),
      }),
    ]);
    [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current).toMatchObject({
      version: '1.0.0',
      rollback: true,
      actor: 'bob',
    });

    const history = await store.listDeployments(ENTITY, { limit: 10 });
    expect(history.map(d => [d.version, d.status])).toEqual([
      ['1.0.0', 'succeeded'],
      ['1.1.0', 'failed'],
      ['1.1.0', 'succeeded'],
      ['1.0.0', 'succeeded'],
    ]);
    // The paired deployment kept its start and its actor.
    expect(history[3]).toMatchObject({
      startedAt: Date.parse(at(10)),
      finishedAt: Date.parse(at(12)),
      actor: 'alice',
    });
  });

  it('does not pair a finish with a start left open for more than a day', async () => {
    await store.ingest([
      event({
        id: 's-old',
        type: 'deploy',
        status: 'started',
        version: '1.0.0',
        environment: 'dev',
        occurredAt: at(0),
      }),
    ]);
    await store.ingest([
      event({
        id: 'f-new',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'dev',
        occurredAt: at(2 * 24 * 60),
      }),
    ]);
    const history = await store.listDeployments(ENTITY, { limit: 10 });
    expect(history.map(d => [d.status, d.startedAt])).toEqual([
      ['succeeded', undefined],
      ['in_progress', Date.parse(at(0))],
    ]);
    const [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current?.status).toBe('succeeded');
    expect(state.attempt?.id).toBe(state.current?.id);
  });

  it('does not let an older success replace a newer one in the environment state', async () => {
    await store.ingest([
      event({
        id: 'new',
        type: 'deploy',
        status: 'succeeded',
        version: '2.0.0',
        environment: 'dev',
        occurredAt: at(20),
      }),
    ]);
    await store.ingest([
      event({
        id: 'old',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'dev',
        occurredAt: at(10),
      }),
    ]);
    const [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current?.version).toBe('2.0.0');
  });

  it('resolves a deploy known only by commit to the release built from it', async () => {
    await store.ingest([
      event({
        id: 'b',
        type: 'build',
        status: 'succeeded',
        version: '3.1.0',
        commitSha: sha(31),
        occurredAt: at(1),
      }),
    ]);
    await store.ingest([
      event({
        id: 'd',
        type: 'deploy',
        status: 'succeeded',
        commitSha: sha(31),
        environment: 'qa',
        occurredAt: at(2),
      }),
    ]);
    const [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current?.version).toBe('3.1.0');
  });

  it('keeps commits in order with their pull requests, from CI and from webhooks', async () => {
    await store.ingest([
      event({
        id: 'rel',
        type: 'release',
        status: 'succeeded',
        version: '1.0.0',
        commitSha: sha(3),
        commits: [
          { sha: sha(1), message: 'feat: cart (#11)', author: 'ann' },
          {
            sha: sha(2),
            message: 'fix: totals',
            pullRequest: { number: 12, labels: ['no-deploy-to-prod'] },
          },
        ],
        occurredAt: at(1),
      }),
    ]);
    await store.ingest([
      {
        id: 'pr',
        entityRef: ENTITY,
        type: 'pull_request',
        pullRequest: { number: 11, title: 'Cart', labels: ['feature'] },
        commitSha: sha(1),
        occurredAt: at(2),
      },
      {
        id: 'push',
        entityRef: ENTITY,
        type: 'commits',
        commits: [{ sha: sha(4), message: 'chore: bump' }],
        occurredAt: at(3),
      },
    ]);
    const positions = await store.getCommitPositions(ENTITY, [
      sha(1),
      sha(3),
      sha(4),
    ]);
    expect(positions.get(sha(1))! < positions.get(sha(3))!).toBe(true);
    expect(positions.get(sha(3))! < positions.get(sha(4))!).toBe(true);
    const commits = await store.listCommitsBetween(ENTITY, 0, undefined, 10);
    expect(
      commits.map(c => [c.sha, c.pullRequest?.number, c.pullRequest?.labels]),
    ).toEqual([
      [sha(4), undefined, undefined],
      [sha(3), undefined, undefined],
      [sha(2), 12, ['no-deploy-to-prod']],
      [sha(1), 11, ['feature']],
    ]);
    expect(
      await store.countCommitsBetween(ENTITY, positions.get(sha(3))!),
    ).toBe(1);
  });

  it('takes concurrent batches for the same release without losing a stage', async () => {
    const batches = Array.from({ length: 8 }, (_, i) =>
      store.ingest([
        event({
          id: `c${i}`,
          type: i % 2 ? 'publish' : 'build',
          status: 'succeeded',
          version: '9.0.0',
          image: i % 2 ? { repository: 'r', tag: '9.0.0' } : undefined,
          occurredAt: at(i),
        }),
        event({
          id: `d${i}`,
          type: 'deploy',
          status: 'succeeded',
          version: '9.0.0',
          environment: 'dev',
          occurredAt: at(100 + i),
        }),
      ]),
    );
    const results = await Promise.all(batches);
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(16);
    const [release] = await store.getReleases(ENTITY, ['9.0.0']);
    expect(release.build?.at).toBe(Date.parse(at(6)));
    expect(release.publish?.at).toBe(Date.parse(at(7)));
    const [state] = await store.getEnvironmentStates(ENTITY);
    expect(state.current?.sortAt).toBe(Date.parse(at(107)));
  });

  it('migrates down cleanly', async () => {
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    expect(await knex.schema.hasTable('shiplog_events')).toBe(false);
  });
});

describe('pullRequestNumberFromMessage', () => {
  it.each([
    ['feat: add cart (#42)', 42],
    ['Merge pull request #7 from acme/feature\n\nbody', 7],
    ['fix: no reference', undefined],
    ['fix: (#1) in the middle of text', undefined],
  ])('%p → %p', (message, expected) => {
    expect(pullRequestNumberFromMessage(message)).toBe(expected);
  });
});
