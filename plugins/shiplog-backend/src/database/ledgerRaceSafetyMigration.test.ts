import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from './migrations';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const MIGRATION = '20261220000000_ledger_race_safety.js';
const config = { directory: migrationsDir };

/** Applies the migrations before this one, one by one. */
async function migrateUpToBefore(knex: Knex) {
  const [, pending]: [unknown, Array<{ file: string }>] =
    await knex.migrate.list(config);
  for (const { file } of pending) {
    if (file >= MIGRATION) break;
    await knex.migrate.up({ ...config, name: file });
  }
}

const commit = (sha: string, position: number, committedAt: number) => ({
  entity_ref: 'component:default/checkout',
  sha,
  position,
  committed_at: committedAt,
});

describe.each(databases.eachSupportedId())(
  'the ledger race safety migration on %p',
  databaseId => {
    it('renumbers positions that collided, in their order, makes them unique, and migrates down', async () => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex);
      await knex('shiplog_commits').insert([
        commit('a', 1, 10),
        commit('c', 2, 30),
        commit('b', 2, 20),
        commit('d', 3, 40),
        { ...commit('x', 1, 10), entity_ref: 'component:default/other' },
      ]);

      await knex.migrate.up({ ...config, name: MIGRATION });
      const rows = await knex('shiplog_commits')
        .where('entity_ref', 'component:default/checkout')
        .orderBy('position')
        .select('sha', 'position');
      expect(rows.map(r => [r.sha, Number(r.position)])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ]);
      const dup = await knex('shiplog_commits')
        .insert(commit('e', 4, 50))
        .then(
          () => 'ok',
          (e: Error) => e.message,
        );
      expect(dup).not.toBe('ok');
      expect(await knex.schema.hasTable('shiplog_ledger_locks')).toBe(true);

      await knex.migrate.down({ ...config, name: MIGRATION });
      expect(await knex.schema.hasTable('shiplog_ledger_locks')).toBe(false);
      await knex('shiplog_commits').insert(commit('e', 4, 50));
      await knex('shiplog_commits').where('sha', 'e').delete();
      await knex.migrate.latest(config);
      expect(await knex.schema.hasTable('shiplog_ledger_locks')).toBe(true);
    });
  },
);
