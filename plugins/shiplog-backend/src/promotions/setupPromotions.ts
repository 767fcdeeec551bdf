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
import { GithubPromotionExecutor } from './executors/GithubPromotionExecutor';
import { GitPromotionExecutor } from './executors/GitPromotionExecutor';
import { PromotionService } from './PromotionService';
import { PromotionStore } from './PromotionStore';
import { readPromotionsConfig } from './readPromotionsConfig';

export interface SetupPromotionsOptions {
  config: RootConfigService;
  logger: LoggerService;
  auditor: AuditorService;
  auth: AuthService;
  catalog: CatalogService;
  scheduler: SchedulerService;
  permissionsRegistry: PermissionsRegistryService;
  store: PromotionStore;
  ledgerStore: LedgerStore;
  ledger: LedgerService;
  /** Executors added by backend modules; asked before the built-in ones. */
  extraExecutors: PromotionExecutor[];
}

/**
 * Wires promotions into the plugin: executors (modules' first, then GitHub, then plain Git), the
 * `shiplog-promotion` permission resource type and its rules, and the scheduled task that follows
 * promotions and starts auto-promotions. The task runs on one replica at a time (the scheduler's
 * lock); everything it does is also safe if it ran on two.
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

  const service = new PromotionService({
    store: options.store,
    ledgerStore: options.ledgerStore,
    ledger: options.ledger,
    executors,
    config: promotionsConfig,
    logger: logger.child({ component: 'promotions' }),
    auditor: options.auditor,
    loadEntity,
  });

  await options.scheduler.scheduleTask({
    id: 'shiplog-promotions',
    frequency: { seconds: 5 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      await service.track();
      await service.autoPromote();
    },
  });
  return service;
}
