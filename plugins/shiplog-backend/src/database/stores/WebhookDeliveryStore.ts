import { Knex } from 'knex';
import { TABLES } from '../tables';

const DELIVERIES = TABLES.webhookDeliveries;

/** A webhook delivery as written down before it is processed (the payload as JSON). */
export interface DeliveryRow {
  delivery_id: string;
  topic: string;
  payload: string;
  status: string;
  attempts: number;
}

/** What processing a delivery came to. */
export type DeliveryOutcome =
  | { status: 'processed' }
  | { status: 'ignored'; reason: string }
  | { status: 'failed'; error: string; nextAttemptAt: number | null };

function lastErrorOf(outcome: DeliveryOutcome): string | null {
  switch (outcome.status) {
    case 'ignored':
      return outcome.reason;
    case 'failed':
      return outcome.error;
    default:
      return null;
  }
}

/** The webhook inbox's table: each delivery once, with its processing status and retry schedule. */
export class WebhookDeliveryStore {
  constructor(private readonly db: Knex) {}

  /** Writes the delivery down as pending; false when it was already there. */
  async record(
    id: string,
    topic: string,
    payload: unknown,
    now = Date.now(),
  ): Promise<boolean> {
    const inserted = await this.db(DELIVERIES)
      .insert({
        delivery_id: id,
        topic,
        payload: JSON.stringify(payload),
        status: 'pending',
        attempts: 0,
        received_at: now,
      })
      .onConflict('delivery_id')
      .ignore()
      .returning('delivery_id');
    return inserted.length > 0;
  }

  /** Failed deliveries whose retry is due, and pending ones received before `stalePendingBefore`; oldest first. */
  async listDue(
    now: number,
    stalePendingBefore: number,
    limit = 100,
  ): Promise<DeliveryRow[]> {
    return this.db(DELIVERIES)
      .where(q =>
        q
          .where(q2 =>
            q2.where({ status: 'failed' }).where('next_attempt_at', '<=', now),
          )
          .orWhere(q2 =>
            q2
              .where({ status: 'pending' })
              .where('received_at', '<=', stalePendingBefore),
          ),
      )
      .orderBy('received_at', 'asc')
      .limit(limit);
  }

  /** Records how processing ended; a failure keeps its retry time (null: no more retries). */
  async settle(
    id: string,
    attempts: number,
    outcome: DeliveryOutcome,
  ): Promise<void> {
    await this.db(DELIVERIES)
      .where({ delivery_id: id })
      .update({
        status: outcome.status,
        attempts,
        last_error: lastErrorOf(outcome),
        next_attempt_at:
          outcome.status === 'failed' ? outcome.nextAttemptAt : null,
      });
  }
}
