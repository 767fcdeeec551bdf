import { Knex } from 'knex';
import { chunks } from '../ledger/batch';
import { orUndefined, toNumber } from '../rows';
import { TABLES } from '../tables';
import { DeploymentRecord } from '../types';
import { RollupCellRecord, RollupStore } from './types';

type Status = DeploymentRecord['status'];

/** What a rollup reads of a cell: every row decoded costs, so no more. */
const CELL_COLUMNS = [
  'entity_ref',
  'environment',
  'current_version',
  'current_version_key',
  'current_commit_position',
  'current_release_rank',
  'current_since',
  'current_status',
  'attempt_version',
  'attempt_status',
  'attempt_at',
];

function cellFromRow(row: Record<string, unknown>): RollupCellRecord {
  const cell: RollupCellRecord = { environment: String(row.environment) };
  if (row.current_version !== null && row.current_version !== undefined) {
    cell.current = {
      version: String(row.current_version),
      since: Number(row.current_since),
      status: row.current_status as Status,
      versionKey: orUndefined(row.current_version_key as string | null),
      commitPosition: toNumber(row.current_commit_position),
      releaseRank: toNumber(row.current_release_rank),
    };
  }
  if (row.attempt_version !== null && row.attempt_version !== undefined) {
    cell.attempt = {
      version: String(row.attempt_version),
      status: row.attempt_status as Status,
      at: Number(row.attempt_at),
    };
  }
  return cell;
}

/**
 * Org views' reads of many components from the rollup read model that ingest keeps: the cells in one
 * indexed statement, the commit heads in another, whatever the number of components (in chunks of
 * 500 bound values).
 */
export class DatabaseRollupStore implements RollupStore {
  constructor(private readonly db: Knex) {}

  async getCellsOf(
    entityRefs: string[],
  ): Promise<Map<string, RollupCellRecord[]>> {
    const byEntity = new Map<string, RollupCellRecord[]>();
    const parts = await Promise.all(
      chunks(entityRefs).map(part =>
        this.db(TABLES.rollupCells)
          .whereIn('entity_ref', part)
          .select(CELL_COLUMNS),
      ),
    );
    for (const row of parts.flat() as Array<Record<string, unknown>>) {
      const entityRef = String(row.entity_ref);
      const cells = byEntity.get(entityRef) ?? [];
      cells.push(cellFromRow(row));
      byEntity.set(entityRef, cells);
    }
    return byEntity;
  }

  async getCommitHeadsOf(entityRefs: string[]): Promise<Map<string, number>> {
    const parts = await Promise.all(
      chunks(entityRefs).map(part =>
        this.db(TABLES.commitHeads).whereIn('entity_ref', part),
      ),
    );
    return new Map(
      (
        parts.flat() as Array<{ entity_ref: string; head_position: unknown }>
      ).map(row => [row.entity_ref, Number(row.head_position)]),
    );
  }
}
