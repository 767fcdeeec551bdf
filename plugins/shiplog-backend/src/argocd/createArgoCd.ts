import {
  LoggerService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { EnvironmentConfig } from '@shiplog/plugin-shiplog-common';
import { LedgerEvent } from '../database/types';
import { CatalogEntityIndex } from '../webhooks/CatalogEntityIndex';
import { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdService } from './ArgoCdService';
import { ArgoLedgerFeed } from './ArgoLedgerFeed';
import { ArgoSnapshotStore } from './ArgoSnapshotStore';
import { readArgoCdConfig } from './config';
import { GitOpsValuesReader } from './GitOpsValuesReader';

/**
 * Wires the Argo CD integration from `shiplog.argocd`: clients per instance, the snapshot store, the
 * values reader, the ledger feed, and one scheduled poll per refresh interval (global scope: one replica polls).
 */
export async function createArgoCd(options: {
  config: Config;
  environments: EnvironmentConfig[];
  snapshots: ArgoSnapshotStore;
  urlReader: UrlReaderService;
  scheduler: SchedulerService;
  logger: LoggerService;
  entities: CatalogEntityIndex;
  ingest: (events: LedgerEvent[]) => Promise<unknown>;
}): Promise<ArgoCdService> {
  const config = readArgoCdConfig(options.config);
  const logger = options.logger.child({ component: 'argocd' });
  const feed = new ArgoLedgerFeed({
    config,
    environments: options.environments,
    entities: options.entities,
    ingest: options.ingest,
    logger,
  });
  const service = new ArgoCdService({
    config,
    environments: options.environments,
    store: options.snapshots,
    clients: config.instances.map(
      instance => new ArgoCdClient(instance, config.timeoutMs),
    ),
    values: new GitOpsValuesReader({
      urlReader: options.urlReader,
      integrations: ScmIntegrations.fromConfig(options.config),
      allowedFileRoots:
        options.config.getOptionalStringArray(
          'shiplog.gitops.allowedFileRoots',
        ) ?? [],
      ttlMs: config.refreshIntervalMs,
      timeoutMs: Math.max(config.timeoutMs, 10_000),
    }),
    logger,
    onApplications: (instance, applications) =>
      feed
        .observe(instance, applications)
        .catch(error =>
          logger.warn(
            `Argo CD ${instance}: recording observed syncs failed: ${error}`,
          ),
        ),
  });
  if (service.enabled) {
    await options.scheduler.scheduleTask({
      id: 'shiplog-argocd-poll',
      frequency: { milliseconds: config.refreshIntervalMs },
      timeout: { minutes: 2 },
      initialDelay: { seconds: 1 },
      fn: () => service.pollAll(),
    });
  }
  return service;
}
