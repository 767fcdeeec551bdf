import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  EnvironmentConfig,
  PromotionRequest,
  releaseEventInputSchema,
  ReleaseEventInput,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionChangeRequest,
  PromotionChangeStatus,
  PromotionExecutor,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { Knex } from 'knex';
import { LedgerStore } from '../database/LedgerStore';
import { migrationsDir } from '../database/migrations';
import { LedgerService } from '../ledger/LedgerService';
import { PromotionService } from './PromotionService';
import { PromotionStore } from './PromotionStore';
import { PromotionsConfig } from './readPromotionsConfig';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY = 'component:default/checkout';
const sha = (n: number) => n.toString(16).padEnd(40, '0');
const past = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();

const ENVIRONMENTS: EnvironmentConfig[] = [
  {
    name: 'dev',
    autoPromote: false,
    requiresApproval: false,
    sync: 'automatic',
    change: 'commit',
  },
  {
    name: 'qa',
    autoPromote: true,
    requiresApproval: false,
    sync: 'automatic',
    change: 'commit',
  },
  {
    name: 'stage',
    autoPromote: true,
    requiresApproval: false,
    sync: 'automatic',
    change: 'pull-request',
  },
  {
    name: 'prod',
    autoPromote: false,
    requiresApproval: true,
    sync: 'manual',
    change: 'pull-request',
  },
];

const CONFIG: PromotionsConfig = {
  requirePreviousEnvironment: true,
  autoMerge: true,
  labels: ['shiplog-promotion'],
  deployTimeoutMs: 60 * 60 * 1000,
  pullRequestPollMs: 30_000,
  gitops: {
    allowedFileRoots: [],
    author: { name: 'Shiplog', email: 'shiplog@localhost' },
    commandTimeoutMs: 10_000,
  },
};

const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'shiplog.dev/gitops-repo': 'https://github.com/acme/gitops',
      'shiplog.dev/values-path':
        'charts/{{component}}/values-{{environment}}.yaml',
      ...annotations,
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
});

/** Releases 1.0.0 to 1.2.0 published (1.3.0 built only); 1.0.0 everywhere, 1.1.0 up to stage, 1.2.0 in dev. */
function history(): ReleaseEventInput[] {
  const events: ReleaseEventInput[] = [];
  let n = 0;
  const add = (event: Omit<ReleaseEventInput, 'id' | 'entityRef'>) =>
    events.push({ id: `h${++n}`, entityRef: ENTITY, ...event });
  const releases: Array<[string, number, string[], string?]> = [
    ['1.0.0', 1, ['feat: checkout (#1)']],
    ['1.1.0', 5, ['feat: cart (#2)', 'fix: rounding (#3)']],
    [
      '1.2.0',
      9,
      ['feat!: new tax engine (#4)', 'chore: deps (#5)'],
      'no-deploy-to-stage',
    ],
  ];
  for (const [version, day, messages, label] of releases) {
    // Commit n is pull request #n.
    const commits = messages.map(message => {
      const number = Number(/#(\d+)/.exec(message)![1]);
      return {
        sha: sha(number),
        message,
        pullRequest: {
          number,
          title: message.replace(/ \(#\d+\)$/, ''),
          labels: label && number === 4 ? [label] : [],
        },
      };
    });
    add({
      type: 'build',
      status: 'succeeded',
      version,
      commitSha: commits[commits.length - 1].sha,
      commits,
      occurredAt: past(day),
    });
    add({
      type: 'publish',
      status: 'succeeded',
      version,
      image: { repository: 'ghcr.io/acme/checkout', tag: version },
      occurredAt: past(day),
    });
  }
  add({
    type: 'build',
    status: 'succeeded',
    version: '1.3.0',
    commitSha: sha(99),
    occurredAt: past(12),
  });
  const deploy = (version: string, environment: string, day: number) =>
    add({
      type: 'deploy',
      status: 'succeeded',
      version,
      environment,
      occurredAt: past(day),
    });
  ['dev', 'qa', 'stage', 'prod'].forEach((env, i) =>
    deploy('1.0.0', env, 2 + i * 0.1),
  );
  ['dev', 'qa', 'stage'].forEach((env, i) => deploy('1.1.0', env, 6 + i * 0.1));
  deploy('1.2.0', 'dev', 10);
  return events;
}

class FakeExecutor implements PromotionExecutor {
  readonly id = 'fake';
  readonly changeKinds = ['pull-request', 'commit'] as const;
  calls: PromotionChangeRequest[] = [];
  pullRequest: PromotionChangeStatus = { state: 'open' };
  failWith?: Error;

  supports() {
    return true;
  }

  async apply(request: PromotionChangeRequest) {
    this.calls.push(request);
    // Long enough for concurrent requests to overlap.
    await new Promise(resolve => setTimeout(resolve, 20));
    if (this.failWith) throw this.failWith;
    return request.kind === 'commit'
      ? {
          kind: 'commit' as const,
          state: 'merged' as const,
          previousValue: '1.0.0',
          commitSha: 'c'.repeat(40),
          branch: 'main',
        }
      : {
          kind: 'pull-request' as const,
          state: 'opened' as const,
          previousValue: '1.0.0',
          number: 7,
          url: 'https://github.com/acme/gitops/pull/7',
          branch: request.branch,
          commitSha: 'd'.repeat(40),
        };
  }

  async getChangeStatus() {
    return this.pullRequest;
  }
}

const req = (
  version: string,
  environment: string,
  extra: Partial<PromotionRequest> = {},
): PromotionRequest => ({
  version,
  environment,
  rollback: false,
  dryRun: false,
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'PromotionService on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let ledgerStore: LedgerStore;
    let ledger: LedgerService;
    let store: PromotionStore;
    let executor: FakeExecutor;
    let service: PromotionService;
    let audits: Array<{ eventId: string; outcome: string; meta?: unknown }>;

    const create = (
      request: PromotionRequest,
      annotations?: Record<string, string>,
    ) =>
      service.create({
        entity: entity(annotations),
        entityRef: ENTITY,
        request,
        requestedBy: 'user:default/jane',
      });
    const deploy = (
      id: string,
      version: string,
      environment: string,
      status: string,
      extra: object = {},
    ) =>
      ledgerStore.ingest([
        releaseEventInputSchema.parse({
          id,
          entityRef: ENTITY,
          type: 'deploy',
          status,
          version,
          environment,
          source: 'argocd',
          runUrl: `https://argocd.example/applications/checkout-${environment}`,
          occurredAt: new Date().toISOString(),
          ...extra,
        }),
      ]);

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      ledgerStore = new LedgerStore(knex);
      await ledgerStore.ingest(
        history().map(e => releaseEventInputSchema.parse(e)),
      );
      ledger = new LedgerService(ledgerStore.stores, ENVIRONMENTS);
      store = new PromotionStore(knex);
      executor = new FakeExecutor();
      audits = [];
      service = new PromotionService({
        store,
        ledgerStore,
        ledger,
        executors: [executor],
        config: CONFIG,
        logger: mockServices.logger.mock(),
        auditor: {
          createEvent: async ({ eventId, meta }) => ({
            success: async () => {
              audits.push({ eventId, outcome: 'success', meta });
            },
            fail: async ({ error }) => {
              audits.push({ eventId, outcome: `fail: ${error.name}`, meta });
            },
          }),
        },
        loadEntity: async () => entity(),
      });
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
      expect(preview.guards.map(g => g.outcome)).toEqual([
        'pass',
        'pass',
        'pass',
        'pass',
        'pass',
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
      await service.track(now);
      expect((await store.get(promotion.id))!.state).toBe('change_opened');
      executor.pullRequest = { state: 'merged', commitSha: 'e'.repeat(40) };
      await service.track(now + 1000);
      expect((await store.get(promotion.id))!.state).toBe('change_opened');
      await service.track(now + 31_000);
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
      await service.track();
      expect(await store.get(promotion.id)).toMatchObject({
        state: 'synced',
        deployment: {
          status: 'in_progress',
          runUrl: 'https://argocd.example/applications/checkout-prod',
        },
      });
      await deploy('argo-2', '1.1.0', 'prod', 'succeeded');
      await service.track();
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
      await service.track();
      expect(await store.get(pr.id)).toMatchObject({
        state: 'failed',
        error:
          'the pull request https://github.com/acme/gitops/pull/7 was closed without merging',
      });

      const qa = await create(req('1.2.0', 'qa'));
      await deploy('argo-qa', '1.2.0', 'qa', 'failed');
      await service.track();
      expect(await store.get(qa.id)).toMatchObject({
        state: 'failed',
        error: 'the deployment of 1.2.0 to qa failed',
        deployment: { status: 'failed' },
      });

      const again = await create(req('1.2.0', 'qa'));
      await service.track(Date.now() + CONFIG.deployTimeoutMs + 60_000);
      expect((await store.get(again.id))!.error).toContain(
        'no deployment of 1.2.0 to qa was reported within 60 minutes',
      );

      // A withdrawn manual sync does not settle it, and a rollout that starts but never finishes does not
      // hold the environment's lock for ever.
      const stuck = await create(req('1.2.0', 'qa'));
      await deploy('sync-1', '1.2.0', 'qa', 'cancelled');
      await service.track();
      expect((await store.get(stuck.id))!.state).toBe('merged');
      await deploy('argo-qa-2', '1.2.0', 'qa', 'started');
      await service.track();
      expect((await store.get(stuck.id))!.state).toBe('synced');
      await service.track(Date.now() + CONFIG.deployTimeoutMs + 60_000);
      expect(await store.get(stuck.id)).toMatchObject({
        state: 'failed',
        error: expect.stringContaining(
          'no finished deployment of 1.2.0 to qa was reported within 60 minutes',
        ),
      });
      expect(await store.findInFlight(ENTITY, 'qa')).toBeUndefined();
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
      await service.track(Date.now() + 11 * 60 * 1000);
      expect((await store.get('stuck'))!.state).toBe('failed');
    });

    it('auto-promotes a release that just deployed to an environment whose next one auto-promotes, through every guard, once', async () => {
      await deploy('dev-1.2.0-again', '1.2.0', 'dev', 'succeeded');
      await service.autoPromote();
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
      await service.autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toHaveLength(1);

      // qa deploys it: stage auto-promotes, but #4 is labelled no-deploy-to-stage.
      await deploy('argo-qa-1', '1.2.0', 'qa', 'succeeded');
      await service.track();
      await service.autoPromote();
      await service.autoPromote();
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
      await service.autoPromote();
      expect((await service.list(ENTITY, { limit: 10 })).items).toHaveLength(2);
      expect(executor.calls).toHaveLength(1);
    });
  },
);
