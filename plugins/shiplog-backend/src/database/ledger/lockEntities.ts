import { Knex } from 'knex';
import { TABLES } from '../tables';
import { columnsOf, insertRows } from './insertRows';

/**
 * Locks the ledger of each component until the transaction ends, so batches of one component folded
 * by two replicas take turns: commit positions (`max + 1`), open deployments and the state per
 * environment are read after the previous batch committed. An upsert locks the row on PostgreSQL
 * (like SELECT ... FOR UPDATE, and it also covers a component's first batch, which has no row to
 * select yet); SQLite runs one write transaction at a time anyway. Sorted, so two batches never wait
 * on each other in a cycle.
 */
export async function lockEntities(
  trx: Knex.Transaction,
  entityRefs: Iterable<string>,
  now: number,
): Promise<void> {
  const sorted = [...new Set(entityRefs)].sort();
  await insertRows(trx, {
    table: TABLES.ledgerLocks,
    columns: [
      ...columnsOf('text', 'entity_ref'),
      ...columnsOf('bigint', 'locked_at'),
    ],
    rows: sorted.map(entity_ref => ({ entity_ref, locked_at: now })),
    conflict: ['entity_ref'],
    merge: { locked_at: 'excluded.locked_at' },
  });
}
