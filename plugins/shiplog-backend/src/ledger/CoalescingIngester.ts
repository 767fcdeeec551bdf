import { LedgerEventStore } from '../database/stores';
import { IngestResult, LedgerEvent } from '../database/types';

interface Pending {
  events: LedgerEvent[];
  entityRefs: Set<string>;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for ingest requests. CI systems and webhooks mostly send one event per request, and a
 * transaction each would make its fixed statements (locks, read models) the limit; importers send
 * full batches side by side, which share components at their edges and would each wait on the other's
 * ledger locks. So requests that arrive while transactions run are stored together in the next one (up
 * to `maxEvents`), and a replica runs at most `maxConcurrent` ingest transactions at once, never two
 * touching the same component: a request waits for the one before it of any of its components, so each
 * component's requests are stored in the order they came. Each caller still gets its own answer: what
 * it sent that was new, and what was a duplicate. When a combined transaction fails, each request is
 * retried on its own, so one caller's problem never fails another's request.
 */
export class CoalescingIngester {
  private queue: Pending[] = [];
  /** The components of each running transaction. */
  private readonly running = new Set<Set<string>>();
  private scheduled = false;

  constructor(
    private readonly store: LedgerEventStore,
    /** Events per combined transaction: four full requests. A larger request is stored on its own. */
    private readonly maxEvents = 2_000,
    /** Two: the database works on one transaction while Node prepares the other's statements. */
    private readonly maxConcurrent = 2,
  ) {}

  ingest(events: LedgerEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const entityRefs = new Set(events.map(event => event.entityRef));
      this.queue.push({ events, entityRefs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let requests parsed in the same tick join the first transaction too.
        setImmediate(() => {
          this.scheduled = false;
          this.startGroups();
        });
      }
    });
  }

  private startGroups() {
    while (this.running.size < this.maxConcurrent) {
      const group = this.takeGroup();
      if (!group) {
        return;
      }
      const entityRefs = new Set(group.flatMap(p => [...p.entityRefs]));
      this.running.add(entityRefs);
      void this.storeGroup(group).finally(() => {
        this.running.delete(entityRefs);
        this.startGroups();
      });
    }
  }

  /**
   * The next transaction's requests: queued ones, in the order they came, that share no component
   * with a running transaction or with a request left waiting before them, up to `maxEvents`.
   */
  private takeGroup(): Pending[] | undefined {
    const busy = new Set<string>();
    for (const entityRefs of this.running) {
      for (const entityRef of entityRefs) busy.add(entityRef);
    }
    const group: Pending[] = [];
    const waiting: Pending[] = [];
    let size = 0;
    for (const pending of this.queue) {
      const free = ![...pending.entityRefs].some(ref => busy.has(ref));
      const fits =
        group.length === 0 || size + pending.events.length <= this.maxEvents;
      if (free && fits) {
        group.push(pending);
        size += pending.events.length;
      } else {
        waiting.push(pending);
        for (const entityRef of pending.entityRefs) busy.add(entityRef);
      }
    }
    this.queue = waiting;
    return group.length ? group : undefined;
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
