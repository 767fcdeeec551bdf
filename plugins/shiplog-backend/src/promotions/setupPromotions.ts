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
import {
  parsePromotionResourceRef,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  shiplogPromotionPermissionResourceRef,
  shiplogPromotionPermissionRules,
} from '@shiplog/plugin-shiplog-node';
import { LedgerStore } from '../database/LedgerStore';
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
  const { config, logger, auth, catalog } = options;
  const promotionsConfig = readPromotionsConfig(config);
  const integrations = ScmIntegrations.fromConfig(config);
  const executors = [
    ...options.extraExecutors,
    new GithubPromotionExecutor({
      integrations,
      credentialsProvider:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      logger: logger.child({ component: 'promotions-github' }),
    }),
    new GitPromotionExecutor({
      allowedFileRoots: promotionsConfig.gitops.allowedFileRoots,
      isAllowedHost: readAllowedGitRepositories(config, integrations)
        .isAllowedHost,
      author: promotionsConfig.gitops.author,
      timeoutMs: promotionsConfig.gitops.commandTimeoutMs,
    }),
  ];
  const loadEntity = async (entityRef: string) =>
    catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });

  options.permissionsRegistry.addResourceType({
    resourceRef: shiplogPromotionPermissionResourceRef,
    permissions: [shiplogPromotionCreatePermission],
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

  const { store, cursors } = options;
  const recorder = new PromotionRecorder(store, options.ledgerStore);
  const environmentsOf = (entity: Entity) =>
    options.ledger.environmentsOf(entity);
  const planner = new PromotionPlanner({
    store,
    ledgerStore: options.ledgerStore,
    environmentsOf,
    executors,
    config: promotionsConfig,
  });
  const promotionsLogger = logger.child({ component: 'promotions' });
  const service = new PromotionService({
    store,
    planner,
    runner: new PromotionRunner({
      planner,
      store,
      recorder,
      config: promotionsConfig,
      logger: promotionsLogger,
    }),
    auditor: options.auditor,
    environmentsOf,
  });

  await new PromotionTracker({
    store,
    deployments: options.ledgerStore,
    recorder,
    executors,
    config: promotionsConfig,
    cursors,
    logger: promotionsLogger,
  }).start(options.scheduler);
  await new AutoPromoter({
    store,
    ledgerStore: options.ledgerStore,
    environmentsOf,
    promotions: service,
    loadEntity,
    cursors,
    logger: promotionsLogger,
  }).start(options.scheduler);
  return service;
}
