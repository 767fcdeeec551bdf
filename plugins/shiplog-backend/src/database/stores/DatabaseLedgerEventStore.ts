import { Knex } from 'knex';
import { ingestEvents } from '../ledger/ingest';
import { IngestResult, LedgerEvent } from '../types';
import { LedgerEventStore } from './types';

/** The ledger's write side in Backstage's database: `shiplog_events` and the projections it feeds. */
export class DatabaseLedgerEventStore implements LedgerEventStore {
  constructor(private readonly db: Knex) {}

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
    return ingestEvents(this.db, events, receivedAt);
  }
}
