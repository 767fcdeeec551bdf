import { ConflictError } from '@backstage/errors';
import { Knex } from 'knex';
import { TABLES } from '../database/tables';

const LOCKS = TABLES.argocdSyncLocks;

/** How long a started sync keeps others out: until the poller has seen Argo CD's operation running. */
export const SYNC_LOCK_MS = 30_000;

/**
 * One manual sync per application at a time, across replicas: a row per application, inserted by
 * whoever starts a sync (the database decides who was first), released when Argo CD refuses the sync
 * and otherwise left to expire.
 */
export class SyncLocks {
  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the lock or throws a ConflictError saying who holds it; returns its release. */
  async acquire(key: string, holder: string): Promise<() => Promise<void>> {
    const now = this.now();
    await this.db(LOCKS)
      .where({ lock_key: key })
      .where('expires_at', '<=', now)
      .delete();
    const inserted = await this.db(LOCKS)
      .insert({
        lock_key: key,
        holder,
        acquired_at: now,
        expires_at: now + SYNC_LOCK_MS,
      })
      .onConflict('lock_key')
      .ignore()
      .returning('lock_key');
    if (!inserted.length) {
      const current = await this.db(LOCKS).where({ lock_key: key }).first();
      throw new ConflictError(
        `${key} is already being synced${
          current
            ? ` (started by ${current.holder} at ${new Date(
                Number(current.acquired_at),
              ).toISOString()})`
            : ''
        }; wait for that sync to finish`,
      );
    }
    return async () => {
      await this.db(LOCKS).where({ lock_key: key, holder }).delete();
    };
  }
}
