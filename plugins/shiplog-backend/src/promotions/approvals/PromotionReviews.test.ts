import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  ENTITY,
  promotionTestBed,
  PromotionTestBed,
  req,
} from '../__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const JANE = 'user:default/jane';
const JOE = 'user:default/joe';
const ANN = 'user:default/ann';

describe.each(databases.eachSupportedId())(
  'approvals in the portal on %p',
  (databaseId: TestDatabaseId) => {
    let bed: PromotionTestBed;

    beforeEach(async () => {
      bed = await promotionTestBed(await databases.init(databaseId));
      // A plain Git host: no pull request can carry prod's required review.
      bed.executor.changeKinds = ['commit'];
    });

    const awaiting = async () => {
      const promotion = await bed.create(req('1.1.0', 'prod'));
      expect(promotion).toMatchObject({
        state: 'awaiting-approval',
        requestedBy: JANE,
      });
      expect(bed.executor.calls).toHaveLength(0);
      return promotion;
    };

    it('waits for another user with the permission, then makes the change', async () => {
      const promotion = await awaiting();
      await expect(
        bed.decide('approve', promotion.id, JANE),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'another user must approve or reject it',
        ),
      });
      await expect(
        bed.decide('approve', promotion.id, JOE, false),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          'permission shiplog.promotion.approve',
        ),
      });
      // The tracker leaves it waiting.
      await bed.tracker.track(Date.now() + 3600_000);
      const approved = await bed.decide(
        'approve',
        promotion.id,
        JOE,
        true,
        'looks good',
      );
      expect(approved).toMatchObject({
        state: 'merged',
        review: { decision: 'approved', by: JOE, comment: 'looks good' },
      });
      expect(approved.timeline.map(t => t.state)).toEqual([
        'awaiting-approval',
        'requested',
        'merged',
      ]);
      expect(bed.executor.calls).toHaveLength(1);
      expect(
        bed.audits
          .filter(a => a.eventId === 'promotion-approve')
          .map(a => a.outcome),
      ).toEqual(['fail: NotAllowedError', 'fail: NotAllowedError', 'success']);
    });

    it('gives one approval to two approvers racing', async () => {
      const promotion = await awaiting();
      const results = await Promise.allSettled([
        bed.decide('approve', promotion.id, JOE),
        bed.decide('approve', promotion.id, ANN),
      ]);
      expect(results.map(r => r.status).sort()).toEqual([
        'fulfilled',
        'rejected',
      ]);
      const rejected = results.find(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ name: 'ConflictError' });
      expect(bed.executor.calls).toHaveLength(1);
    });

    it('ends a rejected promotion and frees the environment', async () => {
      const promotion = await awaiting();
      const rejected = await bed.decide(
        'reject',
        promotion.id,
        JOE,
        true,
        'not during the sale',
      );
      expect(rejected).toMatchObject({
        state: 'rejected',
        review: { decision: 'rejected', by: JOE },
        error: `rejected by ${JOE}: not during the sale`,
      });
      await expect(
        bed.decide('approve', promotion.id, ANN),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      expect((await awaiting()).state).toBe('awaiting-approval');
    });

    it('cancels by the requester or an approver only, releasing the lock so the next promotion is accepted', async () => {
      const promotion = await awaiting();
      await expect(bed.create(req('1.1.0', 'prod'))).rejects.toMatchObject({
        name: 'ConflictError',
      });
      await expect(
        bed.decide('cancel', promotion.id, ANN, false),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      const cancelled = await bed.decide('cancel', promotion.id, JANE, false);
      expect(cancelled).toMatchObject({
        state: 'cancelled',
        cancelledBy: JANE,
      });
      await expect(
        bed.decide('cancel', promotion.id, JANE, false),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      const next = await bed.create(req('1.1.0', 'prod'));
      expect(next.state).toBe('awaiting-approval');
      // An approver cancels a merged promotion too; what was merged stays.
      bed.executor.changeKinds = ['pull-request', 'commit'];
      await bed.decide('cancel', next.id, JOE);
      const merged = await bed.create(req('1.2.0', 'qa'));
      expect(merged.state).toBe('merged');
      const stopped = await bed.decide('cancel', merged.id, JOE);
      expect(stopped.error).toBe(
        `cancelled by ${JOE} (what was already merged stays)`,
      );
      expect(
        (await bed.service.list(ENTITY, { limit: 10 })).items.map(p => p.state),
      ).toEqual(['cancelled', 'cancelled', 'cancelled']);
    });
  },
);
