import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  CONFIG,
  ENTITY,
  entity,
  promotionTestBed,
  PromotionTestBed,
  req,
} from './__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'PromotionTracker on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let bed: PromotionTestBed;
    let tracker: PromotionTestBed['tracker'];
    let ledger: PromotionTestBed['ledger'];
    let store: PromotionTestBed['store'];
    let executor: PromotionTestBed['executor'];
    let audits: PromotionTestBed['audits'];
    let create: PromotionTestBed['create'];
    let deploy: PromotionTestBed['deploy'];

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      bed = await promotionTestBed(knex);
      ({ tracker, ledger, store, executor, audits, create, deploy } = bed);
    });

    it('opens a pull request with the changelog for an environment that requires approval, then follows it to deployed', async () => {
      const promotion = await create(
        req('1.1.0', 'prod', { reason: 'weekly release' }),
      );
      expect(promotion).toMatchObject({
        state: 'change_opened',
        fromVersion: '1.0.0',
        change: {
          kind: 'pull-request',
          autoMerge: false,
          url: 'https://github.com/acme/gitops/pull/7',
          number: 7,
          previousValue: '1.0.0',
        },
      });
      const [call] = executor.calls;
      expect(call).toMatchObject({
        kind: 'pull-request',
        autoMerge: false,
        title: 'Promote checkout 1.1.0 to prod',
        labels: ['shiplog-promotion', 'promote-to-prod'],
        path: 'charts/checkout/values-prod.yaml',
      });
      expect(call.body).toContain('requested by user:default/jane');
      expect(call.body).toContain('Reason: weekly release');
      expect(call.body).toContain('#### Features\n- feat: cart (#2) (2000000)');
      expect(call.body).toContain(
        '#### Bug fixes\n- fix: rounding (#3) (3000000)',
      );

      const now = Date.now();
      await tracker.track(now);
      expect((await store.get(promotion.id))!.state).toBe('change_opened');
      executor.pullRequest = { state: 'merged', commitSha: 'e'.repeat(40) };
      await tracker.track(now + 1000);
      expect((await store.get(promotion.id))!.state).toBe('change_opened');
      await tracker.track(now + 31_000);
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'merged',
        change: { commitSha: 'e'.repeat(40) },
      });

      // A promotion is not a deployment: the matrix still shows what Argo CD last reported.
      const before = await ledger.getEnvironments(ENTITY, entity());
      expect(
        before.environments.find(e => e.name === 'prod')?.current?.version,
      ).toBe('1.0.0');

      await deploy('argo-1', '1.1.0', 'prod', 'started');
      await tracker.track();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'synced',
        deployment: {
          status: 'in_progress',
          runUrl: 'https://argocd.example/applications/checkout-prod',
        },
      });
      await deploy('argo-2', '1.1.0', 'prod', 'succeeded');
      await tracker.track();
      const deployed = (await store.get(promotion.id))!;
      expect(deployed).toMatchObject({
        state: 'deployed',
        deployment: { status: 'succeeded' },
      });
      expect(deployed.timeline.map(t => t.state)).toEqual([
        'requested',
        'change_opened',
        'merged',
        'synced',
        'deployed',
      ]);
      expect(await store.findInFlight(ENTITY, 'prod')).toBeUndefined();
      const recorded = await knex('shiplog_events')
        .where({ type: 'promotion' })
        .orderBy('received_at');
      expect(recorded.map(e => e.status)).toEqual([
        'requested',
        'change_opened',
        'merged',
        'synced',
        'deployed',
      ]);
      expect(recorded[1].run_url).toBe('https://github.com/acme/gitops/pull/7');
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: 'promotion-create',
          outcome: 'success',
        }),
      ]);
    });

    it('fails a promotion whose pull request is closed, whose deployment fails, or that waits too long', async () => {
      const pr = await create(req('1.1.0', 'prod', { reason: 'x' }));
      executor.pullRequest = { state: 'closed' };
      await tracker.track();
      expect(await store.get(pr.id)).toMatchObject({
        state: 'failed',
        error:
          'the pull request https://github.com/acme/gitops/pull/7 was closed without merging',
      });

      const qa = await create(req('1.2.0', 'qa'));
      await deploy('argo-qa', '1.2.0', 'qa', 'failed');
      await tracker.track();
      expect(await store.get(qa.id)).toMatchObject({
        state: 'failed',
        error: 'the deployment of 1.2.0 to qa failed',
        deployment: { status: 'failed' },
      });

      const again = await create(req('1.2.0', 'qa'));
      await tracker.track(Date.now() + CONFIG.deployTimeoutMs + 60_000);
      expect((await store.get(again.id))!.error).toContain(
        'no deployment of 1.2.0 to qa was reported within 60 minutes',
      );

      // A withdrawn manual sync does not settle it, and a rollout that starts but never finishes does not
      // hold the environment's lock for ever.
      const stuck = await create(req('1.2.0', 'qa'));
      await deploy('sync-1', '1.2.0', 'qa', 'cancelled');
      await tracker.track();
      expect((await store.get(stuck.id))!.state).toBe('merged');
      await deploy('argo-qa-2', '1.2.0', 'qa', 'started');
      await tracker.track();
      expect((await store.get(stuck.id))!.state).toBe('synced');
      await tracker.track(Date.now() + CONFIG.deployTimeoutMs + 60_000);
      expect(await store.get(stuck.id)).toMatchObject({
        state: 'failed',
        error: expect.stringContaining(
          'no finished deployment of 1.2.0 to qa was reported within 60 minutes',
        ),
      });
      expect(await store.findInFlight(ENTITY, 'qa')).toBeUndefined();
    });

    it('fails a promotion interrupted before its change was made', async () => {
      await store.create({
        id: 'stuck',
        entityRef: ENTITY,
        environment: 'qa',
        version: '1.2.0',
        rollback: false,
        automatic: false,
        requestedBy: 'user:default/jane',
        guards: [],
      });
      await tracker.track(Date.now() + 11 * 60 * 1000);
      expect((await store.get('stuck'))!.state).toBe('failed');
    });

    it('keeps its place in the database: a new instance (a restart) goes on after the last batch, then from the oldest', async () => {
      for (const [id, environment] of [
        ['a', 'dev'],
        ['b', 'qa'],
        ['c', 'stage'],
      ]) {
        await store.create({
          id,
          entityRef: ENTITY,
          environment,
          version: '1.2.0',
          rollback: false,
          automatic: false,
          requestedBy: 'user:default/jane',
          guards: [],
        });
      }
      const states = async () =>
        Promise.all(
          ['a', 'b', 'c'].map(async id => (await store.get(id))!.state),
        );
      const stale = Date.now() + 11 * 60 * 1000;
      // The first batch (a, b) is followed while nothing is stale yet.
      await bed.newTracker({ batchSize: 2 }).track();
      expect(await states()).toEqual(['requested', 'requested', 'requested']);
      // Restarted: it goes on with c, not again with a and b.
      await bed.newTracker({ batchSize: 2 }).track(stale);
      expect(await states()).toEqual(['requested', 'requested', 'failed']);
      // Past the newest, it starts again from the oldest.
      await bed.newTracker({ batchSize: 2 }).track(stale);
      expect(await states()).toEqual(['failed', 'failed', 'failed']);
    });
  },
);
