import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import knexFactory, { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { LedgerEvent } from '../types';
import { ingestEvents } from './ingest';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY = 'component:default/checkout';
const sha = (n: number) => n.toString(16).padStart(40, '0');
const at = (minute: number) =>
  new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

const push = (id: string, shas: string[], minute: number): LedgerEvent => ({
  id,
  entityRef: ENTITY,
  type: 'commits',
  commits: shas.map(s => ({ sha: s, message: `commit ${s.slice(-4)}` })),
  occurredAt: at(minute),
});

const deploy = (fields: Record<string, unknown>): LedgerEvent =>
  releaseEventInputSchema.parse({
    entityRef: ENTITY,
    type: 'deploy',
    environment: 'dev',
    ...fields,
  });

/**
 * Two backend replicas: on PostgreSQL two connection pools to one database, so their transactions
 * really overlap; SQLite's in-memory test database lives in one connection, so both use it.
 */
async function twoReplicas(databaseId: TestDatabaseId) {
  const first = await databases.init(databaseId);
  await first.migrate.latest({ directory: migrationsDir });
  const second =
    first.client.config.client === 'pg'
      ? knexFactory({
          client: 'pg',
          connection: first.client.config.connection,
          pool: { min: 0, max: 5 },
        })
      : first;
  return { first, second };
}

async function positions(knex: Knex): Promise<Map<string, number>> {
  const rows: Array<{ sha: string; position: string | number }> = await knex(
    'shiplog_commits',
  )
    .where('entity_ref', ENTITY)
    .select('sha', 'position');
  return new Map(rows.map(row => [row.sha, Number(row.position)]));
}

describe.each(databases.eachSupportedId())('ingest races on %p', databaseId => {
  let first: Knex;
  let second: Knex;

  beforeEach(async () => {
    ({ first, second } = await twoReplicas(databaseId));
  });
  afterEach(async () => {
    if (second !== first) await second.destroy();
  });

  it('gives commits pushed through two replicas at once distinct positions, each push in order', async () => {
    const pushes = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 5 }, (__, c) => sha(1000 + p * 10 + c)),
    );
    const results = await Promise.allSettled(
      pushes.map((shas, p) =>
        ingestEvents(
          p % 2 ? second : first,
          [push(`push-${p}`, shas, p)],
          new Date(),
        ),
      ),
    );
    expect(results.filter(r => r.status === 'rejected')).toEqual([]);
    const stored = await positions(first);
    expect(stored.size).toBe(60);
    expect(new Set(stored.values()).size).toBe(60);
    for (const shas of pushes) {
      const listed = shas.map(s => stored.get(s)!);
      expect([...listed].sort((a, b) => a - b)).toEqual(listed);
    }
  });

  it('opens one deployment when two replicas fold starts of the same release at once', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => `1.0.${i}`);
    // GitHub's "queued" and "in_progress" statuses of one deployment, delivered to two replicas.
    await Promise.all(
      versions.flatMap((version, i) =>
        [first, second].map((replica, r) =>
          ingestEvents(
            replica,
            [
              deploy({
                id: `s${i}-${r}`,
                status: 'started',
                version,
                occurredAt: at(i * 10),
              }),
            ],
            new Date(),
          ),
        ),
      ),
    );
    await ingestEvents(
      first,
      versions.map((version, i) =>
        deploy({
          id: `f${i}`,
          status: 'succeeded',
          version,
          occurredAt: at(i * 10 + 5),
        }),
      ),
      new Date(),
    );
    const rows: Array<{ version: string; status: string }> = await first(
      'shiplog_deployments',
    )
      .orderBy('version')
      .select('version', 'status');
    expect(rows).toEqual(
      versions.map(version => ({ version, status: 'succeeded' })),
    );
  });

  it('keeps the pushed order when a build named one of the commits before the push arrived', async () => {
    await ingestEvents(
      first,
      [
        releaseEventInputSchema.parse({
          id: 'build-3',
          entityRef: ENTITY,
          type: 'build',
          status: 'succeeded',
          version: '1.0.0',
          commitSha: sha(3),
          occurredAt: at(1),
        }),
      ],
      new Date(),
    );
    await ingestEvents(first, [push('later', [sha(9)], 2)], new Date());
    await ingestEvents(
      second,
      [push('push', [sha(1), sha(2), sha(3)], 3)],
      new Date(),
    );
    const stored = await positions(first);
    const order = [...stored.entries()]
      .sort((a, b) => a[1] - b[1])
      .map(([s]) => s);
    expect(order).toEqual([sha(1), sha(2), sha(3), sha(9)]);
  });
});
