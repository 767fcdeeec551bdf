import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
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
} from '@shiplog/plugin-shiplog-node';
import { Knex } from 'knex';
import { LedgerStore } from '../../database/LedgerStore';
import { migrationsDir } from '../../database/migrations';
import { LedgerService } from '../../ledger/LedgerService';
import { FreezeWindowConfig } from '../../config/readFreezes';
import { PromotionReviews } from '../approvals/PromotionReviews';
import { AutoPromoter } from '../AutoPromoter';
import { HoldService } from '../holds/HoldService';
import { HoldStore } from '../holds/HoldStore';
import { FreezeCalendar } from '../planning/FreezeCalendar';
import { PromotionPlanner } from '../planning/PromotionPlanner';
import { PromotionRecorder } from '../PromotionRecorder';
import { PromotionService } from '../PromotionService';
import { PromotionStore } from '../../database/stores/PromotionStore';
import { PromotionTracker } from '../PromotionTracker';
import { PromotionsConfig } from '../readPromotionsConfig';
import { PromotionRunner } from '../running/PromotionRunner';
import { TaskCursorStore } from '../../database/stores/TaskCursorStore';

export const ENTITY = 'component:default/checkout';
export const sha = (n: number) => n.toString(16).padEnd(40, '0');
export const past = (day: number) =>
  new Date(Date.UTC(2026, 0, day)).toISOString();

export const ENVIRONMENTS: EnvironmentConfig[] = [
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

export const CONFIG: PromotionsConfig = {
  requirePreviousEnvironment: true,
  autoMerge: true,
  labels: ['shiplog-promotion'],
  deployTimeoutMs: 60 * 60 * 1000,
  pullRequestPollMs: 30_000,
  executorTimeoutMs: 5 * 60_000,
  gitops: {
    allowedFileRoots: [],
    author: { name: 'Shiplog', email: 'shiplog@localhost' },
    commandTimeoutMs: 10_000,
  },
};

export const entity = (annotations: Record<string, string> = {}): Entity => ({
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
export function history(): ReleaseEventInput[] {
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

export class FakeExecutor implements PromotionExecutor {
  readonly id = 'fake';
  /** Only `commit` stands for a plain Git host, where approval happens in the portal. */
  changeKinds: ReadonlyArray<'pull-request' | 'commit'> = [
    'pull-request',
    'commit',
  ];
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

export const req = (
  version: string,
  environment: string,
  extra: Partial<PromotionRequest> = {},
): PromotionRequest => ({
  version,
  environment,
  rollback: false,
  dryRun: false,
  overrideFreeze: false,
  ...extra,
});

export type AuditRecord = { eventId: string; outcome: string; meta?: unknown };

/**
 * Promotions wired as setupPromotions wires them, on a migrated test database holding history():
 * the service, its tracker and auto-promoter (new instances on the same database stand for a restart).
 */
export async function promotionTestBed(
  knex: Knex,
  options: {
    environments?: EnvironmentConfig[];
    freezes?: FreezeWindowConfig[];
    /** Argo CD's health per environment; unknown when absent. */
    health?: Record<string, string>;
  } = {},
) {
  await knex.migrate.latest({ directory: migrationsDir });
  const ledgerStore = new LedgerStore(knex);
  await ledgerStore.ingest(
    history().map(e => releaseEventInputSchema.parse(e)),
  );
  const ledger = new LedgerService(
    ledgerStore.stores,
    options.environments ?? ENVIRONMENTS,
  );
  const clock = { now: Date.now() };
  const store = new PromotionStore(knex);
  const cursors = new TaskCursorStore(knex);
  const executor = new FakeExecutor();
  const audits: AuditRecord[] = [];
  const logger = mockServices.logger.mock();
  const recorder = new PromotionRecorder(store, ledgerStore);
  const environmentsOf = (e: Entity) => ledger.environmentsOf(e);
  const auditor = {
    createEvent: async ({
      eventId,
      meta,
    }: {
      eventId: string;
      meta?: unknown;
    }) => ({
      success: async () => {
        audits.push({ eventId, outcome: 'success', meta });
      },
      fail: async ({ error }: { error: Error }) => {
        audits.push({ eventId, outcome: `fail: ${error.name}`, meta });
      },
    }),
  };
  const holds = new HoldService({ store: new HoldStore(knex), auditor });
  const freezes = new FreezeCalendar(options.freezes ?? []);
  const planner = new PromotionPlanner({
    store,
    ledgerStore,
    environmentsOf,
    executors: [executor],
    config: CONFIG,
    safety: {
      holds,
      freezes,
      healthOf: async (_entity, environment) => options.health?.[environment],
      now: () => clock.now,
    },
  });
  const runner = new PromotionRunner({
    planner,
    store,
    recorder,
    config: CONFIG,
    logger,
    holds,
  });
  const service = new PromotionService({
    store,
    planner,
    runner,
    environmentsOf,
    auditor,
    holds,
    freezes,
    reviews: new PromotionReviews({ store, recorder, runner, auditor }),
  });
  const newTracker = (trackerOptions: { batchSize?: number } = {}) =>
    new PromotionTracker({
      store,
      deployments: ledgerStore,
      recorder,
      executors: [executor],
      config: CONFIG,
      cursors,
      logger,
      ...trackerOptions,
    });
  const newAutoPromoter = (
    loadEntity: (entityRef: string) => Promise<Entity | undefined> = async () =>
      entity(),
  ) =>
    new AutoPromoter({
      store,
      ledgerStore,
      environmentsOf,
      promotions: service,
      loadEntity,
      healthOf: async (_entity, environment) => options.health?.[environment],
      cursors,
      logger,
    });

  const create = (
    request: PromotionRequest,
    annotations?: Record<string, string>,
    extra: { requestedBy?: string; overrideAllowed?: boolean } = {},
  ) =>
    service.create({
      entity: entity(annotations),
      entityRef: ENTITY,
      request,
      requestedBy: 'user:default/jane',
      ...extra,
    });
  /** An approver's (or canceller's) decision on a promotion. */
  const decide = (
    decision: 'approve' | 'reject' | 'cancel',
    promotionId: string,
    user: string,
    mayApprove = true,
    comment?: string,
  ) =>
    service[decision]({
      entity: entity(),
      entityRef: ENTITY,
      promotionId,
      user,
      mayApprove,
      decision: { comment },
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

  return {
    ledgerStore,
    ledger,
    store,
    cursors,
    executor,
    audits,
    service,
    tracker: newTracker(),
    autoPromoter: newAutoPromoter(),
    newTracker,
    newAutoPromoter,
    create,
    decide,
    deploy,
    holds,
    clock,
  };
}

export type PromotionTestBed = Awaited<ReturnType<typeof promotionTestBed>>;
