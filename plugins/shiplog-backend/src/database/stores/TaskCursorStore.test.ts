import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { TaskCursorStore } from './TaskCursorStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'TaskCursorStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
    });

    it('keeps one cursor per task, replaced on save, for any instance on the database', async () => {
      const store = new TaskCursorStore(knex);
      expect(await store.get('tracker')).toBeUndefined();
      await store.set('tracker', { requestedAt: 1, id: 'a' });
      await store.set('auto', { at: 5, considered: [['e1', 5]] });
      await store.set('tracker', null);
      const restarted = new TaskCursorStore(knex);
      expect(await restarted.get('tracker')).toBeNull();
      expect(await restarted.get('auto')).toEqual({
        at: 5,
        considered: [['e1', 5]],
      });
    });

    it('migrates down without a trace', async () => {
      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261203000000_task_cursors.js',
      });
      expect(await knex.schema.hasTable('shiplog_task_cursors')).toBe(false);
    });
  },
);
