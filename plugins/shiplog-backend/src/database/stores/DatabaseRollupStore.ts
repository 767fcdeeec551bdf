import { Knex } from 'knex';
import { chunks } from '../ledger/batch';
import { TABLES } from '../tables';
import { EnvironmentStateRecord } from '../types';
import { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
import { CommitPositionRange, ReleaseKeyRange, RollupStore } from './types';

/** Ranges per statement: 4 bound values each, far below both databases' limits. */
const RANGES_PER_STATEMENT = 250;

/**
 * Org views' reads of many components: the states per environment in one statement, and the drift
 * counts of all cells in one statement per 250 ranges (a VALUES list joined to the indexed table),
 * instead of a round trip per component.
 */
export class DatabaseRollupStore implements RollupStore {
  private readonly environments: DatabaseEnvironmentStore;

  constructor(private readonly db: Knex) {
    this.environments = new DatabaseEnvironmentStore(db);
  }

  getEnvironmentStatesOf(
    entityRefs: string[],
  ): Promise<Map<string, EnvironmentStateRecord[]>> {
    return this.environments.getEnvironmentStatesOf(entityRefs);
  }

  countReleasesInRanges(ranges: ReleaseKeyRange[]): Promise<number[]> {
    return this.countInRanges(
      ranges.map(r => [r.entityRef, r.afterKey, r.upToKey]),
      'VARCHAR(512)',
      TABLES.releases,
      'version_key',
    );
  }

  countCommitsInRanges(ranges: CommitPositionRange[]): Promise<number[]> {
    return this.countInRanges(
      ranges.map(r => [
        r.entityRef,
        r.after,
        r.upTo ?? Number.MAX_SAFE_INTEGER,
      ]),
      'BIGINT',
      TABLES.commits,
      'position',
    );
  }

  /**
   * Rows of `table` per (entity, lower exclusive, upper inclusive) range of `column`; the statements
   * of the chunks run side by side.
   */
  private async countInRanges(
    ranges: Array<[string, string | number, string | number]>,
    boundType: string,
    table: string,
    column: string,
  ): Promise<number[]> {
    const parts = await Promise.all(
      chunks(ranges, RANGES_PER_STATEMENT).map(part =>
        this.countChunk(part, boundType, table, column),
      ),
    );
    return parts.flat();
  }

  private async countChunk(
    part: Array<[string, string | number, string | number]>,
    boundType: string,
    table: string,
    column: string,
  ): Promise<number[]> {
    const values = part
      .map(
        () =>
          `(CAST(? AS INTEGER), CAST(? AS VARCHAR(255)), CAST(? AS ${boundType}), CAST(? AS ${boundType}))`,
      )
      .join(', ');
    const bindings = part.flatMap((range, index) => [index, ...range]);
    const result = await this.db.raw(
      `WITH ranges(i, entity_ref, after_bound, up_to_bound) AS (VALUES ${values})
       SELECT ranges.i AS i, COUNT(t.${column}) AS n FROM ranges
       LEFT JOIN ${table} t ON t.entity_ref = ranges.entity_ref
         AND t.${column} > ranges.after_bound AND t.${column} <= ranges.up_to_bound
       GROUP BY ranges.i`,
      bindings,
    );
    const rows: Array<{ i: unknown; n: unknown }> = Array.isArray(result)
      ? result
      : result.rows;
    const counts = part.map(() => 0);
    for (const row of rows) {
      counts[Number(row.i)] = Number(row.n);
    }
    return counts;
  }
}
