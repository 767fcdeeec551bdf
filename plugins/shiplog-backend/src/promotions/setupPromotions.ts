import {
  AuditorService,
  AuthService,
  LoggerService,
  PermissionsRegistryService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  parsePromotionResourceRef,
  type ShiplogSignal,
  shiplogEnvironmentHoldPermission,
  shiplogSignalChannel,
  shiplogPromotionApprovePermission,
  shiplogPromotionCreatePermission,
  shiplogPromotionOverridePermission,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  shiplogPromotionPermissionResourceRef,
  shiplogPromotionPermissionRules,
} from '@shiplog/plugin-shiplog-node';
import { readFreezes } from '../config/readFreezes';
import { LedgerStore } from '../database/LedgerStore';
import { PromotionReviews } from './approvals/PromotionReviews';
import { HoldService } from './holds/HoldService';
import { HoldStore } from './holds/HoldStore';
import { FreezeCalendar } from './planning/FreezeCalendar';
import { SafetySources } from './planning/safetyContext';
import { LedgerService } from '../ledger/LedgerService';
import { AutoPromoter } from './AutoPromoter';
import { PromotionPlanner } from './planning/PromotionPlanner';
import { PromotionRecorder } from './PromotionRecorder';
import { PromotionService } from './PromotionService';
import { PromotionStore } from '../database/stores/PromotionStore';
import { PromotionTracker } from './PromotionTracker';
import { readAllowedGitRepositories } from '../gitops/allowedGitRepositories';
import { readPromotionsConfig } from './readPromotionsConfig';
import { GithubPromotionExecutor } from './running/GithubPromotionExecutor';
import { GitPromotionExecutor } from './running/GitPromotionExecutor';
import { integrationGitCredentials } from './running/gitCredentials';
import { PromotionRunner } from './running/PromotionRunner';
import { TaskCursorStore } from '../database/stores/TaskCursorStore';

export interface SetupPromotionsOptions {
  config: RootConfigService;
  logger: LoggerService;
  auditor: AuditorService;
  auth: AuthService;
  catalog: CatalogService;
  scheduler: SchedulerService;
  permissionsRegistry: PermissionsRegistryService;
  store: PromotionStore;
  cursors: TaskCursorStore;
  ledgerStore: LedgerStore;
  ledger: LedgerService;
  /** Executors added by backend modules; asked before the built-in ones. */
  extraExecutors: PromotionExecutor[];
  holdStore: HoldStore;
  /** Argo CD's health of an entity's application in an environment, for the soak guard. */
  healthOf?: SafetySources['healthOf'];
  /** Tells open Deployments tabs that an environment's hold changed. */
  signals?: SignalsService;
}

/**
 * Wires promotions into the plugin: executors (modules' first, then GitHub, then plain Git), the
 * `shiplog-promotion` permission resource type and its rules, planning and running behind the
 * PromotionService the routes use, and the scheduled tasks that follow promotions (PromotionTracker)
 * and start auto-promotions (AutoPromoter). Each task runs on one replica at a time (the scheduler's
 * global lock) and keeps its cursor in the database; everything it does is also safe if it ran on two.
 */
export async function setupPromotions(
  options: SetupPromotionsOptions,
): Promise<PromotionService> {
  const { config, logger, auth, catalog, store } = options;
  const promotionsConfig = readPromotionsConfig(config);
  const executors = createExecutors(options, promotionsConfig);
  const loadEntity = async (entityRef: string) =>
    catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
  registerPromotionResourceType(options.permissionsRegistry, loadEntity);

  const recorder = new PromotionRecorder(store, options.ledgerStore);
  const environmentsOf = (entity: Entity) =>
    options.ledger.environmentsOf(entity);
  const holds = createHoldService(options);
  const freezes = new FreezeCalendar(readFreezes(config));
  const planner = new PromotionPlanner({
    store,
    ledgerStore: options.ledgerStore,
    environmentsOf,
    executors,
    config: promotionsConfig,
    safety: { holds, freezes, healthOf: options.healthOf },
  });
  const promotionsLogger = logger.child({ component: 'promotions' });
  const runner = new PromotionRunner({
    planner,
    store,
    recorder,
    config: promotionsConfig,
    logger: promotionsLogger,
    holds,
  });
  const service = new PromotionService({
    store,
    planner,
    runner,
    auditor: options.auditor,
    environmentsOf,
    holds,
    freezes,
    reviews: new PromotionReviews({
      store,
      recorder,
      runner,
      auditor: options.auditor,
    }),
  });

  await new PromotionTracker({
    store,
    deployments: options.ledgerStore,
    recorder,
    executors,
    config: promotionsConfig,
    cursors: options.cursors,
    logger: promotionsLogger,
  }).start(options.scheduler);
  await new AutoPromoter({
    store,
    ledgerStore: options.ledgerStore,
    environmentsOf,
    promotions: service,
    loadEntity,
    healthOf: options.healthOf,
    cursors: options.cursors,
    logger: promotionsLogger,
  }).start(options.scheduler);
  return service;
}

/** Modules' executors first, then GitHub's (through the API), then plain Git. */
function createExecutors(
  { config, logger, extraExecutors }: SetupPromotionsOptions,
  promotionsConfig: ReturnType<typeof readPromotionsConfig>,
): PromotionExecutor[] {
  const integrations = ScmIntegrations.fromConfig(config);
  const githubCredentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return [
    ...extraExecutors,
    new GithubPromotionExecutor({
      integrations,
      credentialsProvider: githubCredentials,
      logger: logger.child({ component: 'promotions-github' }),
    }),
    new GitPromotionExecutor({
      allowedFileRoots: promotionsConfig.gitops.allowedFileRoots,
      isAllowedHost: readAllowedGitRepositories(config, integrations)
        .isAllowedHost,
      author: promotionsConfig.gitops.author,
      timeoutMs: promotionsConfig.gitops.commandTimeoutMs,
      credentialsFor: integrationGitCredentials(
        integrations,
        githubCredentials,
      ),
    }),
  ];
}

/** The `shiplog-promotion` permission resource: a promotion target, with its entity for the rules. */
function registerPromotionResourceType(
  permissionsRegistry: PermissionsRegistryService,
  loadEntity: (entityRef: string) => Promise<Entity | undefined>,
) {
  permissionsRegistry.addResourceType({
    resourceRef: shiplogPromotionPermissionResourceRef,
    permissions: [
      shiplogPromotionCreatePermission,
      shiplogEnvironmentHoldPermission,
      shiplogPromotionOverridePermission,
      shiplogPromotionApprovePermission,
    ],
    rules: Object.values(shiplogPromotionPermissionRules),
    getResources: async resourceRefs =>
      Promise.all(
        resourceRefs.map(async ref => {
          const parsed = parsePromotionResourceRef(ref);
          if (!parsed) return undefined;
          const entity = await loadEntity(parsed.entityRef);
          return entity ? { ...parsed, entity } : undefined;
        }),
      ),
  });
}

/** Holds, audited; placing or releasing one signals the entity's open tabs (the matrix shows it). */
function createHoldService(
  options: Pick<SetupPromotionsOptions, 'holdStore' | 'auditor' | 'signals'>,
): HoldService {
  return new HoldService({
    store: options.holdStore,
    auditor: options.auditor,
    onChanged: async entityRef =>
      options.signals?.publish<ShiplogSignal>({
        recipients: { type: 'broadcast' },
        channel: shiplogSignalChannel(entityRef),
        message: {
          entityRef,
          changed: 'environments',
          parts: ['environments'],
          at: Date.now(),
        },
      }),
  });
}
