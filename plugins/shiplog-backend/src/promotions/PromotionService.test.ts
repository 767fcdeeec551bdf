import { MAX_RECORDED_REFUSALS_PER_HOUR } from './running/PromotionRunner';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { YamlEditError } from '@shiplog/plugin-shiplog-node';
import { Knex } from 'knex';
import {
  ENTITY,
  entity,
  promotionTestBed,
  PromotionTestBed,
  req,
} from './__testUtils__/promotionTestBed';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'PromotionService on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let service: PromotionTestBed['service'];
    let store: PromotionTestBed['store'];
    let executor: PromotionTestBed['executor'];
    let audits: PromotionTestBed['audits'];
    let create: PromotionTestBed['create'];

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      ({ service, store, executor, audits, create } = await promotionTestBed(
        knex,
      ));
    });

    it('lets exactly one of 20 concurrent promotions to one environment proceed', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => create(req('1.2.0', 'qa'))),
      );
      const proceeded = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(proceeded).toHaveLength(1);
      expect(refused).toHaveLength(19);
      const winner = (
        proceeded[0] as PromiseFulfilledResult<{ id: string; state: string }>
      ).value;
      expect(winner.state).toBe('merged');
      for (const { reason } of refused) {
        expect(reason).toBeInstanceOf(ConflictError);
        expect(reason.message).toContain(
          `promotion ${winner.id} of 1.2.0 to qa is in flight`,
        );
      }
      expect(executor.calls).toHaveLength(1);
      expect(audits.filter(a => a.outcome === 'success')).toHaveLength(1);
      expect(
        audits.filter(a => a.outcome === 'fail: ConflictError'),
      ).toHaveLength(19);
    });

    it('refuses with 422 naming the guard, records the refusal, and holds no lock', async () => {
      const error = await create(req('1.3.0', 'dev')).catch(e => e);
      expect(error).toMatchObject({
        name: 'PromotionRefusedError',
        statusCode: 422,
      });
      expect(error.message).toContain(
        'guard version-published: 1.3.0 has no published image (publish never reported)',
      );
      expect(error.message).toContain('Wait until CI has pushed the image');
      const skipped = await create(req('1.2.0', 'prod')).catch(e => e);
      expect(skipped.message).toContain(
        'guard environment-order: 1.2.0 has not deployed successfully to stage, the environment before prod',
      );
      const { items } = await service.list(ENTITY, { limit: 10 });
      expect(items.map(p => [p.version, p.environment, p.state])).toEqual([
        ['1.2.0', 'prod', 'refused'],
        ['1.3.0', 'dev', 'refused'],
      ]);
      expect(items[1].error).toContain('version-published');
      const events = await knex('shiplog_events')
        .where({ type: 'promotion' })
        .orderBy('received_at');
      expect(events.map(e => e.status)).toEqual(['refused', 'refused']);
      await expect(create(req('1.2.0', 'qa'))).resolves.toMatchObject({
        state: 'merged',
      });
      expect(executor.calls).toHaveLength(1);
    });

    it('answers every repeated refusal with 422 but records a bounded number of them', async () => {
      for (let i = 0; i < MAX_RECORDED_REFUSALS_PER_HOUR + 5; i++) {
        await expect(create(req('1.3.0', 'dev'))).rejects.toMatchObject({
          statusCode: 422,
        });
      }
      const [{ n }] = await knex('shiplog_promotions').count({ n: '*' });
      expect(Number(n)).toBe(MAX_RECORDED_REFUSALS_PER_HOUR);
      const events = await knex('shiplog_events').where({ type: 'promotion' });
      expect(events).toHaveLength(MAX_RECORDED_REFUSALS_PER_HOUR);
    });

    it('refuses clearly when an annotation is missing, and an environment the entity does not have', async () => {
      await expect(
        create(req('1.2.0', 'qa'), { 'shiplog.dev/gitops-repo': '' }),
      ).rejects.toMatchObject({
        name: 'PromotionRefusedError',
        message: expect.stringContaining(
          'checkout has no shiplog.dev/gitops-repo annotation: add it',
        ),
      });
      await expect(
        create(req('1.2.0', 'qa'), { 'shiplog.dev/values-path': '' }),
      ).rejects.toThrow('checkout has no shiplog.dev/values-path annotation');
      await expect(create(req('1.2.0', 'staging'))).rejects.toMatchObject({
        name: 'InputError',
        message:
          'environment: "staging" is not one of component:default/checkout\'s environments (dev, qa, stage, prod)',
      });
    });

    it('previews the changelog, every verdict and the change, without changing anything', async () => {
      const preview = await service.preview(
        entity(),
        ENTITY,
        req('1.2.0', 'qa'),
        true,
      );
      expect(preview).toMatchObject({
        fromVersion: '1.1.0',
        canProceed: true,
        allowed: true,
        change: {
          executor: 'fake',
          kind: 'commit',
          repository: 'https://github.com/acme/gitops',
          path: 'charts/checkout/values-qa.yaml',
          keyPath: 'image.tag',
        },
      });
      expect(preview.guards.map(g => [g.guard, g.outcome])).toEqual([
        ['version-published', 'pass'],
        ['no-downgrade', 'pass'],
        ['environment-order', 'pass'],
        ['no-deploy-label', 'pass'],
        ['version-jump', 'pass'],
        ['hold', 'pass'],
        ['freeze', 'pass'],
        ['soak', 'pass'],
      ]);
      expect(preview.changelog.releases).toEqual(['1.2.0']);
      expect(
        preview.changelog.groups.map(g => [
          g.title,
          g.commits.map(c => c.message),
        ]),
      ).toEqual([
        ['Breaking changes', ['feat!: new tax engine (#4)']],
        ['Chores', ['chore: deps (#5)']],
      ]);
      const toStage = await service.preview(
        entity(),
        ENTITY,
        req('1.2.0', 'stage'),
        false,
      );
      expect(toStage.canProceed).toBe(false);
      expect(
        toStage.guards.find(g => g.guard === 'environment-order')?.outcome,
      ).toBe('refuse');
      expect(toStage.change?.autoMerge).toBe(true);
      expect(executor.calls).toEqual([]);
      expect(await service.list(ENTITY, { limit: 10 })).toEqual({ items: [] });
    });

    it('answers the executor: 422 for the values file, 409 for a concurrent edit, 502 for the rest', async () => {
      executor.failWith = new YamlEditError(
        'key image.tag is missing; add it to the values file first',
      );
      await expect(create(req('1.2.0', 'qa'))).rejects.toMatchObject({
        name: 'PromotionRefusedError',
        statusCode: 422,
        message:
          'Promotion refused: charts/checkout/values-qa.yaml: key image.tag is missing; add it to the values file first',
      });
      executor.failWith = new ConflictError(
        'charts/checkout/values-qa.yaml changed while Shiplog edited it',
      );
      await expect(create(req('1.2.0', 'qa'))).rejects.toMatchObject({
        name: 'ConflictError',
      });
      executor.failWith = new Error('connect ECONNREFUSED 127.0.0.1:443');
      await expect(create(req('1.2.0', 'qa'))).rejects.toMatchObject({
        name: 'PromotionExecutionError',
        statusCode: 502,
        message:
          'the GitOps change could not be made: connect ECONNREFUSED 127.0.0.1:443',
      });
      const { items } = await service.list(ENTITY, { limit: 10 });
      expect(items.map(p => p.state)).toEqual(['failed', 'failed', 'refused']);
      expect(await store.findInFlight(ENTITY, 'qa')).toBeUndefined();
    });
  },
);
