import { Knex } from 'knex';
import { TABLES } from '../../database/tables';
import type {
  DeliveryOutcome,
  OutboxEntry,
  OutboxRow,
  ThreadKey,
  ThreadRecord,
} from './types';

export const OUTBOX_TABLE = TABLES.notificationOutbox;
export const THREADS_TABLE = TABLES.notificationThreads;

/** How long a claim lasts; far longer than one send, so a live deliverer never loses a row it sends. */
export const DEFAULT_LEASE_MS = 120_000;

export interface ClaimOptions {
  owner: string;
  now: number;
  limit: number;
  leaseMs?: number;
}

/**
 * The notification outbox and the Slack threads, in Backstage's database. Rows of one entity go out
 * in id order through one deliverer at a time: a claim keeps, per entity, only the rows before which
 * nothing of that entity is still undelivered and held by someone else (see `claim`).
 */
export class DatabaseOutboxStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

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
    const { owner, now, limit } = options;
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const claimed: number[] = await this.db.transaction(async trx => {
      let query = trx(OUTBOX_TABLE)
        .select('id')
        .whereNull('delivered_at')
        .where('available_at', '<=', now)
        .where(q =>
          q.whereNull('claimed_until').orWhere('claimed_until', '<', now),
        )
        .orderBy('id')
        .limit(limit);
      if (this.isPostgres) {
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
    if (!claimed.length) {
      return [];
    }
    const mine = new Set(claimed);
    const rows = await this.db(OUTBOX_TABLE).whereIn('id', claimed);
    const entities = [...new Set(rows.map(row => row.entity_ref as string))];
    const undelivered: Array<{ id: number | string; entity_ref: string }> =
      await this.db(OUTBOX_TABLE)
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
    const handBack = claimed.filter(id => !keep.has(id));
    if (handBack.length) {
      await this.release(owner, handBack);
    }
    return rows
      .filter(row => keep.has(Number(row.id)))
      .map(toOutboxRow)
      .sort((a, b) => a.id - b.id);
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

function threadWhere(key: ThreadKey) {
  return {
    entity_ref: key.entityRef,
    version: key.version,
    channel: key.channel,
  };
}

function toThread(row: Record<string, unknown>): ThreadRecord {
  return {
    entityRef: row.entity_ref as string,
    version: row.version as string,
    channel: row.channel as string,
    channelId: (row.channel_id as string | null) ?? undefined,
    ts: (row.ts as string | null) ?? undefined,
    postStartedAt: optionalNumber(row.post_started_at),
    revision: Number(row.revision),
    renderedRevision: Number(row.rendered_revision),
    updatedAt: optionalNumber(row.updated_at),
  };
}

function toOutboxRow(row: Record<string, unknown>): OutboxRow {
  return {
    id: Number(row.id),
    eventId: row.event_id as string,
    entityRef: row.entity_ref as string,
    kind: row.kind as OutboxRow['kind'],
    status: (row.status as string | null) ?? undefined,
    version: (row.version as string | null) ?? undefined,
    commitSha: (row.commit_sha as string | null) ?? undefined,
    environment: (row.environment as string | null) ?? undefined,
    payload: JSON.parse(row.payload as string),
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    sendStartedAt: optionalNumber(row.send_started_at),
  };
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
