import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import {
  NewPromotion,
  PromotionInFlightError,
  PromotionStore,
} from './PromotionStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY = 'component:default/checkout';

const promotion = (
  id: string,
  extra: Partial<NewPromotion> = {},
): NewPromotion => ({
  id,
  entityRef: ENTITY,
  environment: 'prod',
  version: '1.2.0',
  rollback: false,
  automatic: false,
  requestedBy: 'user:default/jane',
  guards: [],
  change: {
    executor: 'git',
    kind: 'commit',
    repository: 'file:///srv/gitops.git',
    path: 'charts/checkout/values-prod.yaml',
    keyPath: 'image.tag',
  },
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'PromotionStore on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: PromotionStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      store = new PromotionStore(knex);
    });

    it('lets exactly one of 20 concurrent promotions to one environment take the lock', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.create(promotion(`p${i}`, { version: `1.2.${i}` })),
        ),
      );
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value;
      for (const { reason } of lost) {
        expect(reason).toBeInstanceOf(PromotionInFlightError);
        expect(reason.name).toBe('ConflictError');
        expect(reason.message).toContain(`promotion ${winner.id} of`);
        expect(reason.message).toContain('is in flight (requested');
      }
      const [{ n }] = await knex('shiplog_promotions').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('holds the lock per environment, and releases it when the promotion ends', async () => {
      await store.create(promotion('a'));
      await expect(
        store.create(promotion('b', { environment: 'stage' })),
      ).resolves.toMatchObject({ id: 'b' });
      await expect(store.create(promotion('c'))).rejects.toThrow(
        /promotion a of 1\.2\.0 to prod is in flight/,
      );
      await store.transition('a', ['requested'], 'merged', {}, Date.now() + 1);
      await expect(store.create(promotion('c'))).rejects.toThrow(
        /merged, requested by user:default\/jane/,
      );
      const failed = await store.transition(
        'a',
        ['merged'],
        'failed',
        { error: 'Argo CD reported the sync failed' },
        Date.now() + 2,
      );
      expect(failed).toMatchObject({
        state: 'failed',
        error: 'Argo CD reported the sync failed',
      });
      expect(failed!.timeline.map(t => t.state)).toEqual([
        'requested',
        'merged',
        'failed',
      ]);
      await expect(store.create(promotion('c'))).resolves.toMatchObject({
        state: 'requested',
      });
      expect(await store.findInFlight(ENTITY, 'prod')).toMatchObject({
        id: 'c',
      });
    });

    it('moves a promotion only from the expected state (compare and set)', async () => {
      await store.create(promotion('a'));
      const [first, second] = await Promise.all([
        store.transition('a', ['requested'], 'merged', {
          change: { ...promotion('a').change!, commitSha: 'abc1234' },
        }),
        store.transition('a', ['requested'], 'failed', { error: 'x' }),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect(
        await store.transition('a', ['change_opened'], 'merged'),
      ).toBeUndefined();
    });

    it('records refusals without taking the lock, and one auto-promotion per triggering event', async () => {
      await store.createRefused(promotion('r1'), 'no-downgrade: ...');
      await expect(store.create(promotion('a'))).resolves.toBeDefined();
      const auto = promotion('auto1', {
        environment: 'stage',
        automatic: true,
        triggerEventId: 'deploy-dev-1',
      });
      await store.create(auto);
      await store.transition('auto1', ['requested'], 'failed', { error: 'x' });
      await expect(store.create({ ...auto, id: 'auto2' })).rejects.toThrow(
        'already triggered an auto-promotion',
      );
      await expect(
        store.createRefused({ ...auto, id: 'auto3' }, 'refused'),
      ).resolves.toBeUndefined();
      expect(await store.triggeredEventIds(['deploy-dev-1', 'x'])).toEqual(
        new Set(['deploy-dev-1']),
      );
    });

    it('lists newest first with a keyset cursor and filters', async () => {
      const base = Date.UTC(2026, 0, 1);
      for (let i = 0; i < 5; i++) {
        await store.createRefused(
          promotion(`p${i}`, { environment: i % 2 ? 'stage' : 'prod' }),
          'refused',
          base + i * 1000,
        );
      }
      const page1 = await store.list(ENTITY, { limit: 2 });
      expect(page1.map(p => p.id)).toEqual(['p4', 'p3']);
      const page2 = await store.list(ENTITY, {
        limit: 2,
        after: { requestedAt: Date.parse(page1[1].requestedAt), id: 'p3' },
      });
      expect(page2.map(p => p.id)).toEqual(['p2', 'p1']);
      expect(
        (await store.list(ENTITY, { limit: 10, environment: 'stage' })).map(
          p => p.id,
        ),
      ).toEqual(['p3', 'p1']);
      expect(
        await store.list(ENTITY, { limit: 10, state: 'deployed' }),
      ).toEqual([]);
    });

    it('migrates down cleanly', async () => {
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('shiplog_promotions')).toBe(false);
    });
  },
);
