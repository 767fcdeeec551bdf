import { Knex } from 'knex';

/*
 * The ingest transaction's lookups, written so that PostgreSQL plans each of a single event's
 * statements once per connection.
 *
 * A lookup of a few rows through primary keys took PostgreSQL 0.4-0.6 ms to plan and 0.1-1 ms to
 * run, and a transaction of single events sends about fifteen. So a statement whose lists are short
 * is named after its lists' lengths (one text per name): a connection plans it for its first few
 * executions and then reuses the plan. The lists stay `IN (...)` and `VALUES` rows rather than one
 * array parameter: a generic plan then knows how many rows each list holds (for an array it assumes
 * ten, and PostgreSQL kept re-planning the cheaper custom plan every time), and a full batch's lists
 * (hundreds of values) are planned for what they hold, as before. SQLite reuses its statements per
 * text anyway (`sqliteStatementCache`).
 */

type Db = Knex | Knex.Transaction;

const isPostgres = (db: Db) => String(db.client.config.client).includes('pg');

/** A list as SQL and its bindings, to splice into raw SQL or pass to `whereRaw`. */
export interface SqlList {
  sql: string;
  bindings: Knex.Value[];
  /** How many values or tuples the list holds: part of a named statement's name. */
  size: number;
}

/**
 * The most values (all of a statement's lists together) a named statement is made for: single
 * events' transactions hold a few; beyond this, each length would be one more plan kept per
 * connection for little gain (planning is a small share of a large batch's statement).
 */
const NAMED_MAX_VALUES = 16;

/** `column IN (...values)`. */
export function oneOf(column: string, values: readonly Knex.Value[]): SqlList {
  return {
    sql: `${column} IN (${values.map(() => '?').join(', ')})`,
    bindings: [...values],
    size: values.length,
  };
}

/** A column of a tuple list: its name and whether it holds integers (cast, so both databases agree). */
export interface TupleColumn {
  name: string;
  type: 'text' | 'bigint';
}

/** A common table expression `name (columns) AS (VALUES ...)` of the tuples. */
export function tuplesCte(
  name: string,
  columns: readonly TupleColumn[],
  tuples: ReadonlyArray<readonly Knex.Value[]>,
): SqlList {
  const row = `(${columns
    .map(c => (c.type === 'bigint' ? 'CAST(? AS BIGINT)' : '?'))
    .join(', ')})`;
  return {
    sql: `WITH ${name} (${columns
      .map(c => c.name)
      .join(', ')}) AS (VALUES ${tuples.map(() => row).join(', ')})`,
    bindings: tuples.flat(),
    size: tuples.length,
  };
}

/**
 * Names the statement on PostgreSQL when its `lists` are short, after `name` and their lengths: the
 * query's text must depend on nothing else.
 */
export function named<T extends { options(options: object): T }>(
  db: Db,
  query: T,
  name: string,
  ...lists: SqlList[]
): T {
  const values = lists.reduce((sum, list) => sum + list.size, 0);
  if (!isPostgres(db) || values > NAMED_MAX_VALUES) {
    return query;
  }
  const lengths = lists.map(list => list.size).join('_');
  return query.options({ name: `shiplog_ingest_${name}_${lengths}` });
}

/** The rows of a raw query: PostgreSQL answers with a result object, SQLite with the rows. */
export function rowsOf<Row>(result: unknown): Row[] {
  return Array.isArray(result)
    ? (result as Row[])
    : (result as { rows: Row[] }).rows;
}

/**
 * Runs `select`, which reads the tuples as the table expression `statement.tuples` (and may add
 * table expressions after it, starting with a comma). Join the tuples with CROSS JOIN so SQLite keeps
 * them the outer loop (each tuple an index lookup); PostgreSQL plans it as any join.
 */
export async function selectOverTuples<Row>(
  db: Db,
  statement: { name: string; tuples: string },
  columns: readonly TupleColumn[],
  tuples: ReadonlyArray<readonly Knex.Value[]>,
  select: string,
): Promise<Row[]> {
  const cte = tuplesCte(statement.tuples, columns, tuples);
  return rowsOf<Row>(
    await named(
      db,
      db.raw(`${cte.sql} ${select}`, cte.bindings),
      statement.name,
      cte,
    ),
  );
}
