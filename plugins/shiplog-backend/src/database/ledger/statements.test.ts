import knexFactory from 'knex';
import { named, oneOf, tuplesCte } from './statements';

// Query building only: neither client connects.
const pg = knexFactory({ client: 'pg' });
const sqlite = knexFactory({
  client: 'better-sqlite3',
  useNullAsDefault: true,
});

const statementName = (query: { toSQL(): { options?: object } }) =>
  (query.toSQL().options as { name?: string } | undefined)?.name;

describe('ingest statements', () => {
  it('names a short lookup on PostgreSQL after its lists lengths', () => {
    const refs = oneOf('entity_ref', ['a', 'b', 'c']);
    const versions = oneOf('version', ['1.0.0']);
    const query = named(
      pg,
      pg('t')
        .whereRaw(refs.sql, refs.bindings)
        .whereRaw(versions.sql, versions.bindings),
      'lookup_v1',
      refs,
      versions,
    );
    expect(statementName(query)).toBe('shiplog_ingest_lookup_v1_3_1');
    expect(query.toSQL().sql).toBe(
      'select * from "t" where entity_ref IN (?, ?, ?) and version IN (?)',
    );
  });

  it('leaves long lists and SQLite unnamed', () => {
    const many = oneOf(
      'entity_ref',
      Array.from({ length: 17 }, (_, i) => `c${i}`),
    );
    expect(
      statementName(
        named(pg, pg('t').whereRaw(many.sql, many.bindings), 'x', many),
      ),
    ).toBeUndefined();
    const few = oneOf('entity_ref', ['a']);
    expect(
      statementName(
        named(sqlite, sqlite('t').whereRaw(few.sql, few.bindings), 'x', few),
      ),
    ).toBeUndefined();
  });

  it('gives tuples as VALUES rows, integers cast', () => {
    const cte = tuplesCte(
      'pairs',
      [
        { name: 'environment', type: 'text' },
        { name: 'since', type: 'bigint' },
      ],
      [
        ['dev', 1],
        ['prod', 2],
      ],
    );
    expect(cte).toEqual({
      sql: 'WITH pairs (environment, since) AS (VALUES (?, CAST(? AS BIGINT)), (?, CAST(? AS BIGINT)))',
      bindings: ['dev', 1, 'prod', 2],
      size: 2,
    });
  });
});
