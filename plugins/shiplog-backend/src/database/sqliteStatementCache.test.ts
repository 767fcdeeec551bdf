import knexFactory, { Knex } from 'knex';
import { reuseSqliteStatements } from './sqliteStatementCache';

describe('reuseSqliteStatements', () => {
  let knex: Knex;
  let prepare: jest.SpyInstance;

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const connection = await knex.client.acquireConnection();
    prepare = jest.spyOn(connection, 'prepare');
    await knex.client.releaseConnection(connection);
  });

  afterEach(() => knex.destroy());

  it('prepares a statement once and runs it with each call’s bindings', async () => {
    reuseSqliteStatements(knex);
    reuseSqliteStatements(knex);
    const answers = [];
    for (const n of [1, 2, 3]) {
      answers.push(await knex.raw('SELECT ? AS n', [n]));
    }
    expect(answers).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('keeps the most recently used statements only', async () => {
    reuseSqliteStatements(knex, 2);
    for (const sql of ['SELECT 1', 'SELECT 2', 'SELECT 1', 'SELECT 3']) {
      await knex.raw(sql);
    }
    expect(prepare).toHaveBeenCalledTimes(3);
    await knex.raw('SELECT 2');
    expect(prepare).toHaveBeenCalledTimes(4);
    await knex.raw('SELECT 3');
    expect(prepare).toHaveBeenCalledTimes(4);
  });

  it('runs a cached statement against the schema as it is now', async () => {
    reuseSqliteStatements(knex);
    await knex.schema.createTable('t', table => table.integer('a'));
    await knex('t').insert({ a: 1 });
    expect(await knex('t').select('*')).toEqual([{ a: 1 }]);
    await knex.schema.alterTable('t', table => table.integer('b'));
    await knex('t').update({ b: 2 });
    expect(await knex('t').select('*')).toEqual([{ a: 1, b: 2 }]);
  });

  it('leaves other clients alone', async () => {
    const pg = knexFactory({ client: 'pg' });
    const query = (pg.client as { _query: unknown })._query;
    reuseSqliteStatements(pg);
    expect((pg.client as { _query: unknown })._query).toBe(query);
    await pg.destroy();
  });
});
