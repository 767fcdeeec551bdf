import { TestDatabases } from '@backstage/backend-test-utils';
import {
  ReleaseEvent,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { LedgerStore } from '../database/LedgerStore';
import { migrationsDir } from '../database/migrations';
import { LedgerEventStore } from '../database/stores';
import { LedgerEvent } from '../database/types';
import { CoalescingIngester } from './CoalescingIngester';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const event = (id: string, environment = 'dev'): ReleaseEvent =>
  releaseEventInputSchema.parse({
    id,
    entityRef: 'checkout',
    type: 'deploy',
    status: 'succeeded',
    version: '1.0.0',
    environment,
  });

describe.each(databases.eachSupportedId())(
  'CoalescingIngester on %p',
  databaseId => {
    let store: LedgerStore;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      store = new LedgerStore(knex);
    });

    it('stores concurrent small requests in fewer transactions, answering each on its own', async () => {
      const transactions = jest.spyOn(store, 'ingestReturningIds');
      const ingester = new CoalescingIngester(store);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ingester.ingest([event(`e${i}`), event(`e${i}`)]),
        ),
      );
      expect(results).toEqual(
        Array.from({ length: 20 }, () => ({ accepted: 1, duplicates: 1 })),
      );
      expect(transactions.mock.calls.length).toBeLessThan(20);
      expect(await ingester.ingest([event('e3')])).toEqual({
        accepted: 0,
        duplicates: 1,
      });
    });

    it('combines full batches sent side by side up to its event limit, and stores a larger one alone', async () => {
      const combined = jest.spyOn(store, 'ingestReturningIds');
      const alone = jest.spyOn(store, 'ingest');
      const ingester = new CoalescingIngester(store, 6);
      const batch = (name: string, size: number) =>
        Array.from({ length: size }, (_, i) => event(`${name}-${i}`));
      const results = await Promise.all([
        ingester.ingest(batch('a', 3)),
        ingester.ingest(batch('b', 3)),
        ingester.ingest(batch('c', 3)),
        ingester.ingest(batch('d', 3)),
        ingester.ingest(batch('big', 7)),
      ]);
      expect(results.map(r => r.accepted)).toEqual([3, 3, 3, 3, 7]);
      expect(combined.mock.calls.map(([events]) => events.length)).toEqual([
        6, 6,
      ]);
      expect(alone.mock.calls.map(([events]) => events.length)).toEqual([7]);
    });

    it('counts an id two callers send at once as new for one and a duplicate for the other', async () => {
      const ingester = new CoalescingIngester(store);
      const [a, b] = await Promise.all([
        ingester.ingest([event('same')]),
        ingester.ingest([event('same')]),
      ]);
      expect(a.accepted + b.accepted).toBe(1);
      expect(a.duplicates + b.duplicates).toBe(1);
    });

    it('fails only the request whose events the database refuses', async () => {
      const ingester = new CoalescingIngester(store);
      const broken = {
        ...event('broken'),
        environment: null,
      } as unknown as ReleaseEvent;
      const outcomes = await Promise.allSettled([
        ingester.ingest([event('ok-1')]),
        ingester.ingest([broken]),
        ingester.ingest([event('ok-2')]),
      ]);
      expect(outcomes.map(o => o.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(await ingester.ingest([event('ok-1'), event('ok-2')])).toEqual({
        accepted: 0,
        duplicates: 2,
      });
    });
  },
);

describe('CoalescingIngester scheduling', () => {
  /** A store whose transactions end when the test says so, recording which run at once. */
  class ControlledStore implements LedgerEventStore {
    readonly started: string[] = [];
    private readonly finishers = new Map<string, () => void>();

    async ingest(events: LedgerEvent[]) {
      await this.run(events);
      return { accepted: events.length, duplicates: 0 };
    }

    async ingestReturningIds(events: LedgerEvent[]) {
      await this.run(events);
      return new Set(events.map(e => e.id));
    }

    finish(id: string) {
      this.finishers.get(id)!();
    }

    private run(events: LedgerEvent[]) {
      const name = events.map(e => e.id).join('+');
      this.started.push(name);
      return new Promise<void>(resolve => this.finishers.set(name, resolve));
    }
  }

  const on = (id: string, entityRef: string): LedgerEvent => ({
    ...event(id),
    entityRef,
  });
  const settle = () => new Promise(resolve => setImmediate(resolve));

  it('runs transactions of different components side by side, and one component’s in the order they came', async () => {
    const store = new ControlledStore();
    const ingester = new CoalescingIngester(store, 1, 2);
    const answers = [
      ingester.ingest([on('a', 'x')]),
      ingester.ingest([on('b', 'y')]),
      ingester.ingest([on('c', 'x')]),
      ingester.ingest([on('d', 'z')]),
    ];
    await settle();
    // At most two at once.
    expect(store.started).toEqual(['a', 'b']);
    store.finish('b');
    await settle();
    await settle();
    // b's slot goes to d: c still waits for a, which holds component x.
    expect(store.started).toEqual(['a', 'b', 'd']);
    store.finish('a');
    await settle();
    await settle();
    expect(store.started).toEqual(['a', 'b', 'd', 'c']);
    store.finish('d');
    store.finish('c');
    expect(await Promise.all(answers)).toEqual(
      Array.from({ length: 4 }, () => ({ accepted: 1, duplicates: 0 })),
    );
  });

  it('keeps a later request of a component behind an earlier one that is still waiting', async () => {
    const store = new ControlledStore();
    const ingester = new CoalescingIngester(store, 2, 2);
    const answers = [
      ingester.ingest([on('a', 'x')]),
      ingester.ingest([on('b', 'y'), on('b2', 'x')]),
      ingester.ingest([on('c', 'y')]),
    ];
    await settle();
    // b shares x with the running a and waits; c shares y with the waiting b, so it waits too.
    expect(store.started).toEqual(['a']);
    store.finish('a');
    await settle();
    await settle();
    expect(store.started).toEqual(['a', 'b+b2']);
    store.finish('b+b2');
    await settle();
    await settle();
    expect(store.started).toEqual(['a', 'b+b2', 'c']);
    store.finish('c');
    await Promise.all(answers);
  });
});
