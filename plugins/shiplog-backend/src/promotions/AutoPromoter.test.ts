import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  ENTITY,
  past,
  promotionTestBed,
  PromotionTestBed,
} from './__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'AutoPromoter on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let bed: PromotionTestBed;
    let autoPromoter: PromotionTestBed['autoPromoter'];
    let tracker: PromotionTestBed['tracker'];
    let service: PromotionTestBed['service'];
    let executor: PromotionTestBed['executor'];
    let deploy: PromotionTestBed['deploy'];

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      bed = await promotionTestBed(knex);
      ({ autoPromoter, tracker, service, executor, deploy } = bed);
    });

    it('auto-promotes a release that just deployed to an environment whose next one auto-promotes, through every guard, once', async () => {
      await deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await autoPromoter.autoPromote();
      let { items } = await service.list(ENTITY, { limit: 10 });
      expect(items).toEqual([
        expect.objectContaining({
          environment: 'qa',
          version: '1.2.0',
          automatic: true,
          requestedBy: 'shiplog',
          state: 'merged',
        }),
      ]);
      await autoPromoter.autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toHaveLength(1);

      // qa deploys it: stage auto-promotes, but #4 is labelled no-deploy-to-stage.
      await deploy('argo-qa-1', '1.2.0', 'qa', 'succeeded');
      await tracker.track();
      await autoPromoter.autoPromote();
      await autoPromoter.autoPromote();
      ({ items } = await service.list(ENTITY, { limit: 10 }));
      expect(items.map(p => [p.environment, p.state, p.automatic])).toEqual([
        ['stage', 'refused', true],
        ['qa', 'deployed', true],
      ]);
      expect(items[0].error).toContain(
        'guard no-deploy-label: not auto-promoted: #4 (feat!: new tax engine) is labelled no-deploy-to-stage',
      );
      // History reported long after it happened starts nothing.
      await deploy('backfill', '1.1.0', 'dev', 'succeeded', {
        occurredAt: past(20),
      });
      await autoPromoter.autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toHaveLength(2);
      expect(executor.calls).toHaveLength(1);
    });

    it('keeps its cursor in the database: what was considered stays considered after a restart', async () => {
      await deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      // Not in the catalog (yet): considered, and nothing to promote.
      await bed.newAutoPromoter(async () => undefined).autoPromote();
      await bed.newAutoPromoter().autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toEqual([]);
      expect(executor.calls).toHaveLength(0);
    });

    it('retries after an unexpected failure, also from a new instance (a restart)', async () => {
      await deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await bed
        .newAutoPromoter(async () => {
          throw new Error('catalog unavailable');
        })
        .autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toEqual([]);
      await bed.newAutoPromoter().autoPromote();
      expect(
        (await service.list(ENTITY, { limit: 10 })).items.map(p => [
          p.environment,
          p.version,
          p.automatic,
          p.state,
        ]),
      ).toEqual([['qa', '1.2.0', true, 'merged']]);
    });
  },
);
