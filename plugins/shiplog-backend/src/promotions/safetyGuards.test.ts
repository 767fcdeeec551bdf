import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  ENTITY,
  entity,
  ENVIRONMENTS,
  promotionTestBed,
  req,
} from './__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const FROZEN = {
  name: 'black-friday',
  environments: ['qa'],
  kind: 'fixed' as const,
  from: Date.now() - 3600_000,
  to: Date.now() + 3600_000,
};

/** dev soaks 30 minutes before qa (which auto-promotes) takes a version on. */
const SOAKING = ENVIRONMENTS.map(env =>
  env.name === 'dev' ? { ...env, soakTime: { minutes: 30 } } : env,
);

describe.each(databases.eachSupportedId())(
  'freeze and soak guards on %p',
  (databaseId: TestDatabaseId) => {
    it('refuses promotions into a frozen environment; an override with a reason passes only with the permission', async () => {
      const bed = await promotionTestBed(await databases.init(databaseId), {
        freezes: [FROZEN],
      });
      await expect(bed.create(req('1.2.0', 'qa'))).rejects.toMatchObject({
        name: 'PromotionRefusedError',
        statusCode: 422,
        message: expect.stringContaining(
          'guard freeze: qa is frozen (black-friday) until',
        ),
      });
      await expect(bed.create(req('1.2.0', 'qa'))).rejects.toThrow(
        'set overrideFreeze: true with a reason (needs the permission shiplog.promotion.override)',
      );
      const override = req('1.2.0', 'qa', {
        overrideFreeze: true,
        reason: 'hotfix for the checkout outage',
      });
      await expect(bed.create(override)).rejects.toThrow(
        'you may not override it (permission shiplog.promotion.override)',
      );
      const promoted = await bed.create(override, undefined, {
        overrideAllowed: true,
      });
      expect(promoted.state).toBe('merged');
      expect(promoted.guards.find(g => g.guard === 'freeze')).toMatchObject({
        outcome: 'warn',
        message: expect.stringContaining(
          'overridden: hotfix for the checkout outage',
        ),
      });
      const preview = await bed.service.preview(
        entity(),
        ENTITY,
        req('1.2.0', 'qa', { dryRun: true }),
        true,
      );
      expect(preview.freeze).toMatchObject({
        name: 'black-friday',
        active: true,
      });
    });

    it('refuses auto-promotions into a frozen environment', async () => {
      const bed = await promotionTestBed(await databases.init(databaseId), {
        freezes: [FROZEN],
      });
      await bed.deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await bed.autoPromoter.autoPromote();
      const [refused] = (await bed.service.list(ENTITY, { limit: 5 })).items;
      expect(refused).toMatchObject({
        environment: 'qa',
        state: 'refused',
        automatic: true,
      });
      expect(refused.error).toContain(
        'guard freeze: not auto-promoted: qa is frozen',
      );
    });

    it('holds auto-promotion until the version has soaked in the environment before, then promotes it once', async () => {
      const bed = await promotionTestBed(await databases.init(databaseId), {
        environments: SOAKING,
      });
      await bed.deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      bed.clock.now = Date.now() + 10 * 60_000;
      await bed.autoPromoter.autoPromote(bed.clock.now);
      expect((await bed.service.list(ENTITY, { limit: 5 })).items).toEqual([]);

      // A person sees the soak guard's warning in the preview.
      const preview = await bed.service.preview(
        entity(),
        ENTITY,
        req('1.2.0', 'qa', { dryRun: true }),
        true,
      );
      expect(preview.guards.find(g => g.guard === 'soak')).toMatchObject({
        outcome: 'warn',
        message:
          '1.2.0 has run in dev for 10 of the 30 minutes of its soak time',
      });

      bed.clock.now = Date.now() + 31 * 60_000;
      await bed.autoPromoter.autoPromote(bed.clock.now);
      await bed.autoPromoter.autoPromote(bed.clock.now);
      const { items } = await bed.service.list(ENTITY, { limit: 5 });
      expect(
        items.map(p => [p.environment, p.version, p.state, p.automatic]),
      ).toEqual([['qa', '1.2.0', 'merged', true]]);
      expect(items[0].guards.find(g => g.guard === 'soak')).toMatchObject({
        outcome: 'pass',
        message: '1.2.0 has run in dev for 31 minutes (soak time 30)',
      });
    });

    it('does not count the soak time while Argo CD reports the application unhealthy', async () => {
      const bed = await promotionTestBed(await databases.init(databaseId), {
        environments: SOAKING,
        health: { dev: 'Degraded' },
      });
      await bed.deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      bed.clock.now = Date.now() + 31 * 60_000;
      await bed.autoPromoter.autoPromote(bed.clock.now);
      expect((await bed.service.list(ENTITY, { limit: 5 })).items).toEqual([]);
    });
  },
);
