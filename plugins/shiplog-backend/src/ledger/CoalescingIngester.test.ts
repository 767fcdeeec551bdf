import { TestDatabases } from '@backstage/backend-test-utils';
import {
  ReleaseEvent,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { LedgerStore } from '../database/LedgerStore';
import { migrationsDir } from '../database/migrations';
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
