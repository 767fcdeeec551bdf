import { LedgerEventStore } from '../database/stores';
import { IngestResult, LedgerEvent } from '../database/types';

interface Pending {
  events: LedgerEvent[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for ingest requests. CI systems and webhooks mostly send one event per request, and a
 * transaction each would make its fixed statements (locks, read models) the limit; importers send
 * full batches side by side, which share components at their edges and would each wait on the other's
 * ledger locks. So a replica runs one ingest transaction at a time, and requests that arrive while it
 * runs are stored together in the next one (up to `maxEvents`); each caller still gets its own answer:
 * what it sent that was new, and what was a duplicate. When a combined transaction fails, each request
 * is retried on its own, so one caller's problem never fails another's request.
 */
export class CoalescingIngester {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly store: LedgerEventStore,
    /** Events per combined transaction: four full requests. A larger request is stored on its own. */
    private readonly maxEvents = 2_000,
  ) {}

  ingest(events: LedgerEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let requests parsed in the same tick join the first transaction too.
        setImmediate(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const group: Pending[] = [];
      let size = 0;
      while (
        this.queue.length &&
        (group.length === 0 ||
          size + this.queue[0].events.length <= this.maxEvents)
      ) {
        const next = this.queue.shift()!;
        group.push(next);
        size += next.events.length;
      }
      await this.storeGroup(group);
    }
    this.flushing = false;
  }

  private async storeGroup(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      await this.store.ingest(only.events).then(only.resolve, only.reject);
      return;
    }
    let acceptedIds: Set<string>;
    try {
      acceptedIds = await this.store.ingestReturningIds(
        group.flatMap(p => p.events),
      );
    } catch {
      for (const pending of group) {
        await this.store
          .ingest(pending.events)
          .then(pending.resolve, pending.reject);
      }
      return;
    }
    // An id sent by two callers in one group is new for the first of them and a duplicate for the other.
    const claimed = new Set<string>();
    for (const pending of group) {
      let accepted = 0;
      for (const event of pending.events) {
        if (acceptedIds.has(event.id) && !claimed.has(event.id)) {
          claimed.add(event.id);
          accepted++;
        }
      }
      pending.resolve({
        accepted,
        duplicates: pending.events.length - accepted,
      });
    }
  }
}
