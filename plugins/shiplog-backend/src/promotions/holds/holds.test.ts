import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  ENTITY,
  entity,
  promotionTestBed,
  PromotionTestBed,
  req,
} from '../__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'holds and rollbacks on %p',
  (databaseId: TestDatabaseId) => {
    let bed: PromotionTestBed;

    beforeEach(async () => {
      bed = await promotionTestBed(await databases.init(databaseId));
    });

    const listed = async () =>
      (await bed.service.list(ENTITY, { limit: 20 })).items.map(p => [
        p.environment,
        p.version,
        p.state,
        p.automatic,
      ]);

    it('stops auto-promotion into a held environment until the hold is released, audited', async () => {
      const hold = await bed.service.hold({
        entityRef: ENTITY,
        environment: 'qa',
        heldBy: 'user:default/jane',
        reason: 'investigating a memory leak',
      });
      expect(hold).toMatchObject({
        environment: 'qa',
        heldBy: 'user:default/jane',
        reason: 'investigating a memory leak',
      });
      await bed.deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await bed.autoPromoter.autoPromote();
      const [refused] = (await bed.service.list(ENTITY, { limit: 5 })).items;
      expect(refused).toMatchObject({ environment: 'qa', state: 'refused' });
      expect(refused.error).toContain(
        'guard hold: not auto-promoted: qa is held by user:default/jane',
      );
      expect(bed.executor.calls).toHaveLength(0);

      // A person may still promote by hand: the hold warns and stays.
      const byHand = await bed.create(req('1.2.0', 'qa'));
      expect(byHand.guards.find(g => g.guard === 'hold')).toMatchObject({
        outcome: 'warn',
      });
      expect(await bed.holds.get(ENTITY, 'qa')).toBeDefined();

      const released = await bed.service.releaseHold({
        entityRef: ENTITY,
        environment: 'qa',
        releasedBy: 'user:default/joe',
      });
      expect(released.reason).toBe('investigating a memory leak');
      await expect(
        bed.service.releaseHold({
          entityRef: ENTITY,
          environment: 'qa',
          releasedBy: 'user:default/joe',
        }),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(bed.audits.map(a => [a.eventId, a.outcome])).toEqual([
        ['environment-hold', 'success'],
        ['promotion-create', 'fail: PromotionRefusedError'],
        ['promotion-create', 'success'],
        ['environment-hold-release', 'success'],
        ['environment-hold-release', 'fail: NotFoundError'],
      ]);
    });

    it('shows who holds an environment, since when and why, on the matrix', async () => {
      await bed.service.hold({
        entityRef: ENTITY,
        environment: 'stage',
        heldBy: 'user:default/jane',
        reason: 'release train paused',
      });
      const matrix = await bed.service.withSafety(
        await bed.ledger.getEnvironments(ENTITY, entity()),
      );
      const stage = matrix.environments.find(e => e.name === 'stage')!;
      expect(stage.hold).toEqual({
        environment: 'stage',
        heldBy: 'user:default/jane',
        since: expect.any(String),
        reason: 'release train paused',
      });
      expect(
        matrix.environments.find(e => e.name === 'qa')!.hold,
      ).toBeUndefined();
    });

    it('rolls back as a new change labelled rollback and holds the environment: a newer deploy before it leaves it alone', async () => {
      const rollback = await bed.create(
        req('1.0.0', 'qa', { rollback: true, reason: '1.1.0 breaks payments' }),
      );
      expect(rollback).toMatchObject({
        rollback: true,
        fromVersion: '1.1.0',
        state: 'merged',
      });
      expect(bed.executor.calls[0]).toMatchObject({
        kind: 'commit',
        title: 'Roll back checkout 1.0.0 to qa',
        labels: expect.arrayContaining(['rollback']),
      });
      expect(await bed.holds.get(ENTITY, 'qa')).toMatchObject({
        heldBy: 'user:default/jane',
        reason: 'rollback to 1.0.0: 1.1.0 breaks payments',
        promotionId: rollback.id,
      });
      await bed.deploy('argo-qa-rollback', '1.0.0', 'qa', 'succeeded');
      await bed.tracker.track();

      // A newer release deploys to dev, the environment before: qa stays on the rollback.
      await bed.deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await bed.autoPromoter.autoPromote();
      expect(await listed()).toEqual([
        ['qa', '1.2.0', 'refused', true],
        // The rolled-back version goes no further either (stage runs newer).
        ['stage', '1.0.0', 'refused', true],
        ['qa', '1.0.0', 'deployed', false],
      ]);
      expect(bed.executor.calls).toHaveLength(1);
    });

    it('places no hold for a rollback that says hold: false', async () => {
      await bed.create(
        req('1.0.0', 'qa', {
          rollback: true,
          reason: 'quick check',
          hold: false,
        }),
      );
      expect(await bed.holds.get(ENTITY, 'qa')).toBeUndefined();
    });
  },
);
