import { Knex } from 'knex';

/*
 * The ingest transaction's lookups, written so that PostgreSQL plans each once per connection.
 *
 * An `IN (?, ?, ...)` list gives a statement a different text for every list length, and PostgreSQL
 * plans each text afresh: a lookup of a few rows through primary keys took 0.4-2 ms to plan and
 * 0.1-0.7 ms to run. Planned against a freshly grown table whose statistics lag (a new install, an
 * import), the joins also came out as sequential scans of whole tables (20-40 ms per batch). On
 * PostgreSQL a list is therefore one array parameter (`= ANY(?)`, or `unnest` for tuples) and the
 * statement is named: it is planned for its first executions and then runs a generic plan, index
 * lookups, whatever the list's length. SQLite keeps the plain list (it has no arrays, and its
 * statements are reused per text by `sqliteStatementCache`).
 */

type Db = Knex | Knex.Transaction;

export const isPostgres = (db: Db) =>
  String(db.client.config.client).includes('pg');

/** A condition and its bindings, to splice into raw SQL or pass to `whereRaw`. */
export interface SqlFragment {
  sql: string;
  bindings: Knex.RawBinding[];
  /** How many values or tuples the list holds. */
  size: number;
}

/**
 * The longest list a named statement is used for. A generic plan is made without the array's length:
 * right for the few rows of single events, but for a full batch's hundreds it chose sequential scans
 * and hash aggregates (35-50 ms where a plan for the actual list took 13); planning that once per
 * batch is cheap beside running it.
 */
const GENERIC_PLAN_MAX_LIST = 32;

/** `column` is one of `values`: `= ANY(?)` with one array on PostgreSQL, `IN (...)` on SQLite. */
export function oneOf(
  db: Db,
  column: string,
  values: readonly Knex.Value[],
): SqlFragment {
  if (isPostgres(db)) {
    return {
      sql: `${column} = ANY(?)`,
      bindings: [[...values] as Knex.Value],
      size: values.length,
    };
  }
  return {
    sql: `${column} IN (${values.map(() => '?').join(', ')})`,
    bindings: [...values],
    size: values.length,
  };
}

/** A column of a tuple list: its name and, for PostgreSQL's arrays, its type. */
export interface TupleColumn {
  name: string;
  type: 'text' | 'bigint';
}

/**
 * A common table expression `name (columns) AS (...)` of the given tuples: `VALUES` rows on SQLite,
 * one array per column unnested on PostgreSQL (one text whatever the number of tuples).
 */
export function tuplesCte(
  db: Db,
  name: string,
  columns: readonly TupleColumn[],
  tuples: ReadonlyArray<readonly Knex.Value[]>,
): SqlFragment {
  const head = `WITH ${name} (${columns.map(c => c.name).join(', ')}) AS`;
  if (isPostgres(db)) {
    return {
      sql: `${head} (SELECT * FROM unnest(${columns
        .map(c => `CAST(? AS ${c.type}[])`)
        .join(', ')}))`,
      bindings: columns.map((_, i) => tuples.map(t => t[i]) as Knex.Value),
      size: tuples.length,
    };
  }
  const row = `(${columns
    .map(c => (c.type === 'bigint' ? 'CAST(? AS BIGINT)' : '?'))
    .join(', ')})`;
  return {
    sql: `${head} (VALUES ${tuples.map(() => row).join(', ')})`,
    bindings: tuples.flat(),
    size: tuples.length,
  };
}

/**
 * Names the statement on PostgreSQL, so each connection plans it once, when its `lists` are short.
 * The name must stand for one text: lists built with `oneOf` or `tuplesCte` only, never `IN`.
 */
export function named<T extends { options(options: object): T }>(
  db: Db,
  query: T,
  name: string,
  ...lists: SqlFragment[]
): T {
  const short = lists.every(list => list.size <= GENERIC_PLAN_MAX_LIST);
  return isPostgres(db) && short
    ? query.options({ name: `shiplog_ingest_${name}` })
    : query;
}

/** The rows of a raw query: PostgreSQL answers with a result object, SQLite with the rows. */
export function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result)
    ? (result as Row[])
    : (result as { rows: Row[] }).rows;
}

/**
 * Runs `select`, which reads the tuples as the table expression `name`: on PostgreSQL as a named
 * statement. Join the tuples with CROSS JOIN so SQLite keeps them the outer loop (each tuple an
 * index lookup); PostgreSQL plans it as any join.
 */
export async function selectOverTuples<Row>(
  db: Db,
  statement: { name: string; tuples: string },
  columns: readonly TupleColumn[],
  tuples: ReadonlyArray<readonly Knex.Value[]>,
  select: string,
): Promise<Row[]> {
  const cte = tuplesCte(db, statement.tuples, columns, tuples);
  return rowsOf<Row>(
    await named(
      db,
      db.raw(`${cte.sql} ${select}`, cte.bindings),
      statement.name,
      cte,
    ),
  );
}
