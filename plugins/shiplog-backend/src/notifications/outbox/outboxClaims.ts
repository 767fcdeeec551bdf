import { Knex } from 'knex';
import { TABLES } from '../../database/tables';
import { toOutboxRow } from './outboxRows';
import type { OutboxRow } from './types';

const OUTBOX_TABLE = TABLES.notificationOutbox;

/**
 * Leases up to `limit` due rows to `owner` and returns their ids. On PostgreSQL the candidates are
 * locked with SKIP LOCKED, so racing deliverers split the rows instead of waiting.
 */
export async function leaseDueRows(
  db: Knex,
  lease: { owner: string; now: number; limit: number; leaseMs: number },
): Promise<number[]> {
  const isPostgres = String(db.client.config.client).includes('pg');
  const { owner, now, limit, leaseMs } = lease;
  return db.transaction(async trx => {
    let query = trx(OUTBOX_TABLE)
      .select('id')
      .whereNull('delivered_at')
      .where('available_at', '<=', now)
      .where(q =>
        q.whereNull('claimed_until').orWhere('claimed_until', '<', now),
      )
      .orderBy('id')
      .limit(limit);
    if (isPostgres) {
      query = query.forUpdate().skipLocked();
    }
    const ids = (await query).map(row => Number(row.id));
    if (ids.length) {
      await trx(OUTBOX_TABLE)
        .whereIn('id', ids)
        .update({ claimed_by: owner, claimed_until: now + leaseMs });
    }
    return ids;
  });
}

/**
 * Splits leased rows into those their deliverer may send now and those to hand back: per entity, a
 * row is kept only if every earlier undelivered row of its entity is kept too. The kept rows come
 * back in id order.
 */
export async function inEntityOrder(
  db: Knex,
  claimed: number[],
): Promise<{ deliverable: OutboxRow[]; handBack: number[] }> {
  const mine = new Set(claimed);
  const rows = await db(OUTBOX_TABLE).whereIn('id', claimed);
  const entities = [...new Set(rows.map(row => row.entity_ref as string))];
  const undelivered: Array<{ id: number | string; entity_ref: string }> =
    await db(OUTBOX_TABLE)
      .select('id', 'entity_ref')
      .whereIn('entity_ref', entities)
      .whereNull('delivered_at')
      .orderBy('id');
  const blocked = new Set<string>();
  const keep = new Set<number>();
  for (const row of undelivered) {
    const id = Number(row.id);
    if (blocked.has(row.entity_ref)) continue;
    if (mine.has(id)) keep.add(id);
    else blocked.add(row.entity_ref);
  }
  return {
    deliverable: rows
      .filter(row => keep.has(Number(row.id)))
      .map(toOutboxRow)
      .sort((a, b) => a.id - b.id),
    handBack: claimed.filter(id => !keep.has(id)),
  };
}
