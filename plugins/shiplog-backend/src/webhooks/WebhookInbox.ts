import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams } from '@backstage/plugin-events-node';
import { createHash } from 'node:crypto';
import { LedgerEventStore } from '../database/stores';
import {
  DeliveryRow,
  WebhookDeliveryStore,
} from '../database/stores/WebhookDeliveryStore';
import { LedgerEvent } from '../database/types';
import type { ZodError } from 'zod/v3';
import { describeZodError } from '../routes/validation';
import { isInvalidPayload } from './InvalidPayloadError';

/** After this many failed attempts a delivery stays stored as `failed` for an operator to look at. */
export const MAX_ATTEMPTS = 10;
/** A `pending` delivery older than this was interrupted (a crash, a restart) and is picked up again. */
const STALE_PENDING_MS = 2 * 60_000;
/** Deliveries held in memory while the database cannot take them. */
const MAX_HELD_IN_MEMORY = 10_000;

export type TranslationResult = { events: LedgerEvent[] } | { ignored: string };

/** Turns one delivery into ledger events; throws when it cannot yet (catalog unreachable, ...), to be retried. */
export type DeliveryTranslator = (
  topic: string,
  payload: unknown,
  deliveryId: string,
) => Promise<TranslationResult>;

/** Exponential backoff: 30 s, 1 min, 2 min ... capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * The delivery id a webhook is idempotent on: GitHub's `X-GitHub-Delivery` (or a sender's
 * `X-Shiplog-Delivery`), otherwise a digest of the topic and body, which a redelivery repeats.
 */
export function deliveryIdOf(params: EventParams): string {
  const header = (name: string) => {
    const value = params.metadata?.[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const explicit = header('x-github-delivery') ?? header('x-shiplog-delivery');
  const source = params.topic.split('.')[0];
  if (explicit) {
    return `${source}:${explicit}`.slice(0, 200);
  }
  const digest = createHash('sha256')
    .update(params.topic)
    .update('\u0000')
    .update(JSON.stringify(params.eventPayload))
    .digest('hex');
  return `${source}:sha256:${digest}`;
}

/**
 * Webhook deliveries are written down before they are processed. A redelivery of a processed
 * delivery changes nothing; a delivery that fails to process is retried with backoff; a delivery
 * that arrives while the database is down is held in memory and written when it is back. None is
 * dropped silently.
 */
export class WebhookInbox {
  private readonly held: Array<{
    id: string;
    topic: string;
    payload: unknown;
  }> = [];

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly store: LedgerEventStore,
    private readonly translate: DeliveryTranslator,
    private readonly logger: LoggerService,
  ) {}

  /** Handles one delivery from the events system. Never throws: the events service would only log it. */
  async receive(params: EventParams): Promise<void> {
    const id = deliveryIdOf(params);
    let fresh: boolean;
    try {
      fresh = await this.deliveries.record(
        id,
        params.topic,
        params.eventPayload,
      );
    } catch (error) {
      if (this.held.length >= MAX_HELD_IN_MEMORY) {
        this.logger.error(
          `Webhook delivery ${id} could not be stored and the in-memory queue is full; it is lost`,
          error as Error,
        );
        return;
      }
      this.held.push({ id, topic: params.topic, payload: params.eventPayload });
      this.logger.warn(
        `Webhook delivery ${id} could not be stored yet; held in memory for retry (${this.held.length} held)`,
        error as Error,
      );
      return;
    }
    if (!fresh) {
      this.logger.debug(`Webhook delivery ${id} was already received; ignored`);
      return;
    }
    await this.process({
      delivery_id: id,
      topic: params.topic,
      payload: JSON.stringify(params.eventPayload),
      status: 'pending',
      attempts: 0,
    });
  }

  /**
   * Writes down and processes the deliveries held in this process's memory while the database was
   * unreachable. Runs on a timer in every replica, since each holds its own.
   */
  async flushHeld(): Promise<number> {
    let flushed = 0;
    while (this.held.length) {
      const next = this.held[0];
      let fresh: boolean;
      try {
        fresh = await this.deliveries.record(next.id, next.topic, next.payload);
      } catch {
        break;
      }
      this.held.shift();
      flushed++;
      if (fresh) {
        await this.process({
          delivery_id: next.id,
          topic: next.topic,
          payload: JSON.stringify(next.payload),
          status: 'pending',
          attempts: 0,
        });
      }
    }
    return flushed;
  }

  /** Retries failed deliveries whose backoff has passed, and interrupted ones. Run by the scheduler on one replica. */
  async retryDue(now = Date.now()): Promise<number> {
    const due = await this.deliveries.listDue(now, now - STALE_PENDING_MS);
    for (const row of due) {
      await this.process(row);
    }
    return due.length;
  }

  get heldInMemory(): number {
    return this.held.length;
  }

  private async process(row: DeliveryRow): Promise<void> {
    const attempts = Number(row.attempts) + 1;
    try {
      const result = await this.translate(
        row.topic,
        JSON.parse(row.payload),
        row.delivery_id,
      );
      if ('ignored' in result) {
        await this.deliveries.settle(row.delivery_id, attempts, {
          status: 'ignored',
          reason: result.ignored,
        });
        this.logger.debug(
          `Webhook delivery ${row.delivery_id} ignored: ${result.ignored}`,
        );
        return;
      }
      // Event ids derive from the delivery id, so a retry after a crash right here stores nothing twice.
      const { accepted } = await this.store.ingest(result.events);
      await this.deliveries.settle(row.delivery_id, attempts, {
        status: 'processed',
      });
      this.logger.debug(
        `Webhook delivery ${row.delivery_id} processed: ${accepted} event(s) recorded`,
      );
    } catch (error) {
      const message = describeFailure(error);
      if (isInvalidPayload(error)) {
        // The payload itself cannot become a valid event: retrying would fail the same way.
        await this.deliveries.settle(row.delivery_id, attempts, {
          status: 'ignored',
          reason: `invalid payload: ${message}`.slice(0, 2000),
        });
        this.logger.warn(
          `Webhook delivery ${row.delivery_id} (${row.topic}) ignored, its payload is not a valid event: ${message}`,
        );
        return;
      }
      const giveUp = attempts >= MAX_ATTEMPTS;
      this.logger.warn(
        `Webhook delivery ${row.delivery_id} (${
          row.topic
        }) failed to process (attempt ${attempts}): ${message}${
          giveUp ? '; kept as failed, no more retries' : ''
        }`,
      );
      try {
        await this.deliveries.settle(row.delivery_id, attempts, {
          status: 'failed',
          error: message.slice(0, 2000),
          nextAttemptAt: giveUp ? null : Date.now() + retryDelayMs(attempts),
        });
      } catch {
        // The row stays pending and is picked up as interrupted once the database is back.
      }
    }
  }
}

/** A failure as the delivery row and the log show it: a schema failure field by field. */
function describeFailure(error: unknown): string {
  // By name: shiplog-common's schemas may throw another copy's ZodError class.
  if ((error as { name?: string })?.name === 'ZodError') {
    return describeZodError(error as ZodError);
  }
  return error instanceof Error ? error.message : String(error);
}
