import { Knex } from 'knex';
import { TABLES } from '../../database/tables';
import { DatabaseThreadStore } from './DatabaseThreadStore';
import { inEntityOrder, leaseDueRows } from './outboxClaims';
import type { DeliveryOutcome, OutboxEntry, OutboxRow } from './types';

export { THREADS_TABLE } from './DatabaseThreadStore';
export const OUTBOX_TABLE = TABLES.notificationOutbox;

/** How long a claim lasts; far longer than one send, so a live deliverer never loses a row it sends. */
export const DEFAULT_LEASE_MS = 120_000;

export interface ClaimOptions {
  owner: string;
  now: number;
  limit: number;
  leaseMs?: number;
}

/**
 * The notification outbox in Backstage's database (the Slack threads come from DatabaseThreadStore).
 * Rows of one entity go out in id order through one deliverer at a time: a claim keeps, per entity,
 * only the rows before which nothing of that entity is still undelivered and held by someone else
 * (see `claim`).
 */
export class DatabaseOutboxStore extends DatabaseThreadStore {
  /**
   * Writes messages to deliver inside the caller's transaction (the one that stores their events), so
   * an event is recorded with its messages or not at all. Idempotent on the event id.
   */
  async enqueue(
    trx: Knex | Knex.Transaction,
    entries: OutboxEntry[],
    now: number,
  ): Promise<void> {
    for (let i = 0; i < entries.length; i += 200) {
      const rows = entries.slice(i, i + 200).map(entry => ({
        event_id: entry.eventId,
        entity_ref: entry.entityRef,
        kind: entry.kind,
        status: entry.status ?? null,
        version: entry.version ?? null,
        commit_sha: entry.commitSha ?? null,
        environment: entry.environment ?? null,
        payload: JSON.stringify(entry.payload),
        created_at: now,
        available_at: now,
      }));
      await trx(OUTBOX_TABLE).insert(rows).onConflict('event_id').ignore();
    }
  }

  /**
   * Leases due rows to `owner` and returns those it may deliver now, in id order. On PostgreSQL the
   * candidates are locked with SKIP LOCKED, so racing deliverers split the rows instead of waiting.
   * Then, per entity, a row is kept only if every earlier undelivered row of its entity is kept too;
   * the rest are handed back at once. So one entity's messages go out in order, through one deliverer,
   * and a release's parent is posted once even when two deliverers race.
   */
  async claim(options: ClaimOptions): Promise<OutboxRow[]> {
    const claimed = await leaseDueRows(this.db, {
      ...options,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    });
    if (!claimed.length) {
      return [];
    }
    const { deliverable, handBack } = await inEntityOrder(this.db, claimed);
    if (handBack.length) {
      await this.release(options.owner, handBack);
    }
    return deliverable;
  }

  /** Gives rows back without trying them (not due yet for this deliverer). */
  async release(owner: string, ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.db(OUTBOX_TABLE)
      .whereIn('id', ids)
      .where('claimed_by', owner)
      .whereNull('delivered_at')
      .update({ claimed_by: null, claimed_until: null });
  }

  /** Whether `owner` still holds the row with time to spare; extends the lease if so. */
  async holds(
    id: number,
    owner: string,
    now: number,
    leaseMs = DEFAULT_LEASE_MS,
  ): Promise<boolean> {
    const updated = await this.db(OUTBOX_TABLE)
      .where({ id, claimed_by: owner })
      .whereNull('delivered_at')
      .where('claimed_until', '>', now)
      .update({ claimed_until: now + leaseMs });
    return updated === 1;
  }

  /** When the next undelivered row becomes due (a claimed one: when its lease runs out). */
  async nextRowDueAt(): Promise<number | undefined> {
    const row = await this.db(OUTBOX_TABLE)
      .whereNull('delivered_at')
      .min({ at: 'available_at' })
      .first();
    return row?.at === null || row?.at === undefined
      ? undefined
      : Number(row.at);
  }

  /**
   * Notes that a send is about to begin, if `owner` still holds the row with time to spare: the fence
   * that keeps a deliverer whose lease ran out from sending a row someone else now holds.
   */
  async startSend(
    id: number,
    owner: string,
    now: number,
    leaseMs = DEFAULT_LEASE_MS,
  ): Promise<boolean> {
    const updated = await this.db(OUTBOX_TABLE)
      .where({ id, claimed_by: owner })
      .whereNull('delivered_at')
      .where('claimed_until', '>', now)
      .update({ send_started_at: now, claimed_until: now + leaseMs });
    return updated === 1;
  }

  async markDelivered(
    id: number,
    owner: string,
    result: {
      outcome: DeliveryOutcome;
      now: number;
      channel?: string;
      ts?: string;
      error?: string;
    },
  ): Promise<void> {
    await this.db(OUTBOX_TABLE)
      .where({ id, claimed_by: owner })
      .whereNull('delivered_at')
      .update({
        delivered_at: result.now,
        outcome: result.outcome,
        channel: result.channel ?? null,
        message_ts: result.ts ?? null,
        last_error: result.error ?? null,
        claimed_until: null,
      });
  }

  /**
   * Puts rows back for later. `sendMayHaveHappened` keeps the send mark (a timeout: look before resending);
   * otherwise it is cleared (Slack answered, e.g. 429: nothing was posted).
   */
  async retryLater(
    ids: number[],
    owner: string,
    options: {
      availableAt: number;
      error?: string;
      countAttempt: boolean;
      sendMayHaveHappened: boolean;
    },
  ): Promise<void> {
    if (!ids.length) return;
    const update: Record<string, unknown> = {
      available_at: options.availableAt,
      claimed_by: null,
      claimed_until: null,
    };
    if (options.countAttempt) {
      update.attempts = this.db.raw('attempts + 1');
    }
    if (options.error !== undefined) {
      update.last_error = options.error.slice(0, 2000);
    }
    if (!options.sendMayHaveHappened) {
      update.send_started_at = null;
    }
    await this.db(OUTBOX_TABLE)
      .whereIn('id', ids)
      .where('claimed_by', owner)
      .whereNull('delivered_at')
      .update(update);
  }

  /** Undelivered rows, and the oldest one's age (for the benchmark and the logs). */
  async backlog(now: number): Promise<{ pending: number; oldestMs?: number }> {
    const row = await this.db(OUTBOX_TABLE)
      .whereNull('delivered_at')
      .count({ pending: '*' })
      .min({ oldest: 'created_at' })
      .first();
    const pending = Number(row?.pending ?? 0);
    return {
      pending,
      oldestMs: pending && row?.oldest ? now - Number(row.oldest) : undefined,
    };
  }
}
