import { Knex } from 'knex';

/** The part of a better-sqlite3 connection the cache wraps. */
interface SqliteConnection {
  prepare(sql: string): unknown;
}

/** The part of Knex's better-sqlite3 client that runs a query on a connection. */
interface SqliteDialect {
  _query(connection: SqliteConnection, query: unknown): Promise<unknown>;
}

const cached = new WeakSet<SqliteConnection>();
const wrapped = new WeakSet<object>();

/**
 * Reuses prepared statements per connection, the most recently used `size` of them. Knex prepares
 * every query afresh, and preparing the ledger's multi-row statements (the same text for every
 * full chunk) cost about a sixth of a SQLite ingest's CPU time. SQLite re-prepares a cached statement
 * itself when the schema changed, so a cached one never runs against a stale plan.
 */
function cachePreparedStatements(connection: SqliteConnection, size: number) {
  if (cached.has(connection)) {
    return;
  }
  cached.add(connection);
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
    } else {
      statements.delete(sql);
    }
    statements.set(sql, statement);
    if (statements.size > size) {
      statements.delete(statements.keys().next().value!);
    }
    return statement;
  };
}

/**
 * Has a better-sqlite3 Knex client reuse its prepared statements (see cachePreparedStatements). Knex
 * offers no hook for it, so its query method is wrapped; if a Knex release renames that method, the
 * client simply goes on preparing every query.
 */
export function reuseSqliteStatements(client: Knex, size = 200): void {
  const dialect = client.client as Partial<SqliteDialect>;
  const query = dialect._query;
  if (
    String(client.client.config.client) !== 'better-sqlite3' ||
    !query ||
    wrapped.has(dialect)
  ) {
    return;
  }
  wrapped.add(dialect);
  dialect._query = (connection, queryObject) => {
    cachePreparedStatements(connection, size);
    return query.call(dialect, connection, queryObject);
  };
}
