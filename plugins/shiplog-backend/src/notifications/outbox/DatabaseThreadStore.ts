import { Knex } from 'knex';
import { TABLES } from '../../database/tables';
import { threadWhere, toThread } from './outboxRows';
import type { ThreadKey, ThreadRecord } from './types';

export const THREADS_TABLE = TABLES.notificationThreads;

/**
 * The Slack threads in Backstage's database: one parent message per (entity, version, channel), the
 * fences around posting it, and the leases that let one deliverer at a time update it.
 */
export class DatabaseThreadStore {
  constructor(protected readonly db: Knex) {}

  async getThread(key: ThreadKey): Promise<ThreadRecord | undefined> {
    const row = await this.db(THREADS_TABLE).where(threadWhere(key)).first();
    return row ? toThread(row) : undefined;
  }

  /** Notes that the parent is about to be posted (creating the thread row); see startSend. */
  async startParentPost(key: ThreadKey, now: number): Promise<void> {
    await this.db(THREADS_TABLE)
      .insert({ ...threadWhere(key), created_at: now, post_started_at: now })
      .onConflict(['entity_ref', 'version', 'channel'])
      .merge({ post_started_at: now });
  }

  /** The parent is in Slack: its ts goes in before any reply is sent into its thread. */
  async setParent(
    key: ThreadKey,
    parent: { channelId: string; ts: string; revision: number; now: number },
  ): Promise<void> {
    await this.db(THREADS_TABLE).where(threadWhere(key)).update({
      channel_id: parent.channelId,
      ts: parent.ts,
      rendered_revision: parent.revision,
      updated_at: parent.now,
    });
  }

  /** Slack refused the parent: nothing was posted, so the next try posts without looking first. */
  async clearParentPost(key: ThreadKey): Promise<void> {
    await this.db(THREADS_TABLE)
      .where(threadWhere(key))
      .whereNull('ts')
      .update({ post_started_at: null });
  }

  /** Something the parent shows changed; the next parent update (coalesced) shows it. */
  async bumpRevision(key: ThreadKey): Promise<void> {
    await this.db(THREADS_TABLE)
      .where(threadWhere(key))
      .increment('revision', 1);
  }

  /**
   * Parents showing an older revision, last updated at least `intervalMs` ago, leased to the caller for
   * one update each (so two deliverers never update one parent at once, and a burst costs one update
   * per interval rather than one per event).
   */
  async claimParentUpdates(options: {
    now: number;
    intervalMs: number;
    limit: number;
    leaseMs?: number;
  }): Promise<ThreadRecord[]> {
    const { now, intervalMs, limit } = options;
    const due = await this.db(THREADS_TABLE)
      .whereNotNull('ts')
      .whereRaw('revision > rendered_revision')
      .where(q =>
        q.whereNull('updated_at').orWhere('updated_at', '<=', now - intervalMs),
      )
      .where(q =>
        q
          .whereNull('update_claimed_until')
          .orWhere('update_claimed_until', '<', now),
      )
      .orderBy('updated_at')
      .limit(limit);
    const claimed: ThreadRecord[] = [];
    for (const row of due) {
      const won = await this.db(THREADS_TABLE)
        .where(threadWhere(toThread(row)))
        .where(q =>
          q
            .whereNull('update_claimed_until')
            .orWhere('update_claimed_until', '<', now),
        )
        .update({ update_claimed_until: now + (options.leaseMs ?? 30_000) });
      if (won === 1) claimed.push(toThread(row));
    }
    return claimed;
  }

  /** The parent now shows `revision` (or newer: a later update may have landed first). */
  async finishParentUpdate(
    key: ThreadKey,
    result: { revision?: number; now: number },
  ): Promise<void> {
    const update: Record<string, unknown> = { update_claimed_until: null };
    if (result.revision !== undefined) {
      update.updated_at = result.now;
      update.rendered_revision = this.db.raw(
        'CASE WHEN rendered_revision > ? THEN rendered_revision ELSE ? END',
        [result.revision, result.revision],
      );
    }
    await this.db(THREADS_TABLE).where(threadWhere(key)).update(update);
  }

  /** When the next parent update may go out, if any is waiting (the deliverer sleeps until then). */
  async nextParentUpdateAt(intervalMs: number): Promise<number | undefined> {
    const row = await this.db(THREADS_TABLE)
      .whereNotNull('ts')
      .whereRaw('revision > rendered_revision')
      .min({ at: 'updated_at' })
      .first();
    return row?.at === null || row?.at === undefined
      ? undefined
      : Number(row.at) + intervalMs;
  }
}
