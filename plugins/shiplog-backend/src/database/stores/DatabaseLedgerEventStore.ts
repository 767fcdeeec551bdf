import { Knex } from 'knex';
import { IngestHook, ingestEvents } from '../ledger/ingest';
import { IngestResult, LedgerEvent } from '../types';
import { LedgerEventStore } from './types';

/** The ledger's write side in Backstage's database: `shiplog_events` and the projections it feeds. */
export class DatabaseLedgerEventStore implements LedgerEventStore {
  private readonly hooks: IngestHook[] = [];

  constructor(private readonly db: Knex) {}

  /** Adds work that commits with each batch's new events, or follows their commit (notifications). */
  addHook(hook: IngestHook): void {
    this.hooks.push(hook);
  }

  async ingest(
    events: LedgerEvent[],
    receivedAt: Date = new Date(),
  ): Promise<IngestResult> {
    const acceptedIds = await this.ingestReturningIds(events, receivedAt);
    return {
      accepted: acceptedIds.size,
      duplicates: events.length - acceptedIds.size,
    };
  }

  ingestReturningIds(
    events: LedgerEvent[],
    receivedAt: Date = new Date(),
  ): Promise<Set<string>> {
    return ingestEvents(this.db, events, receivedAt, this.hooks);
  }
}
