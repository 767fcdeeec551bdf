import {
  LoggerService,
  SchedulerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { ScmIntegrations } from '@backstage/integration';
import {
  EnvironmentConfig,
  type ShiplogSignal,
} from '@shiplog/plugin-shiplog-common';
import { CatalogEntityIndex } from '../catalog/CatalogEntityIndex';
import { LedgerEvent } from '../database/types';
import { ArgoCdService } from './ArgoCdService';
import { ArgoCdClient } from './client/ArgoCdClient';
import { readArgoCdConfig } from './config';
import { ArgoLedgerFeed } from './polling/ArgoLedgerFeed';
import { ArgoSnapshotStore } from './polling/ArgoSnapshotStore';
import { readAllowedGitRepositories } from '../gitops/allowedGitRepositories';
import { GitOpsValuesReader } from './values/GitOpsValuesReader';
import { createClaimantsLookup } from './state/claimants';
import { SyncLocks } from './SyncLocks';
import { signalChannel } from '../notifications/backstage/BackstageNotifier';

export interface SetupArgoCdOptions {
  config: Config;
  environments: EnvironmentConfig[];
  snapshots: ArgoSnapshotStore;
  /** One manual sync per application across replicas. */
  syncLocks?: SyncLocks;
  urlReader: UrlReaderService;
  scheduler: SchedulerService;
  logger: LoggerService;
  entities: CatalogEntityIndex;
  /** Writes deploy events to the ledger: syncs observed by polling, and manual syncs. */
  ingest: (events: LedgerEvent[]) => Promise<unknown>;
  /** Tells open Deployments tabs that their entity's Argo CD state changed. */
  signals?: SignalsService;
}

/**
 * Wires the Argo CD integration from `shiplog.argocd`: clients per instance, the snapshot store, the
 * values reader, the ledger feed, one scheduled poll per refresh interval (global scope: one replica polls)
 * and, unless `shiplog.argocd.watch` is false, one watch stream per instance held by one replica.
 */
export async function setupArgoCd(
  options: SetupArgoCdOptions,
): Promise<ArgoCdService> {
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
    values: createValuesReader(options, config, logger),
    logger,
    onApplications: (instance, applications) =>
      feed
        .observe(instance, applications)
        .catch(error =>
          logger.warn(
            `Argo CD ${instance}: recording observed syncs failed: ${error}`,
          ),
        ),
    ingest: options.ingest,
    claimants: createClaimantsLookup(options.entities),
    syncLocks: options.syncLocks,
    onChanged: (instance, changed) =>
      signalClaimants(options, instance, changed),
  });
  if (service.enabled) {
    await service.poller.schedule(options.scheduler);
    await service.watch?.schedule(options.scheduler);
  }
  return service;
}

/** Publishes `shiplog:<entityRef>` for each entity claiming one of the changed applications. */
async function signalClaimants(
  options: Pick<SetupArgoCdOptions, 'entities' | 'signals' | 'logger'>,
  instance: string,
  changed: ArgoApplication[],
): Promise<void> {
  const { signals, entities, logger } = options;
  if (!signals) return;
  const refs = new Set<string>();
  for (const app of changed) {
    const claimants = await entities.byArgoApplication(
      app.metadata.name,
      app.metadata.labels ?? {},
      instance,
    );
    for (const { entityRef } of claimants) refs.add(entityRef);
  }
  await Promise.all(
    [...refs].map(entityRef =>
      signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: signalChannel(entityRef),
          message: {
            entityRef,
            changed: 'argocd',
            parts: ['argocd'],
            at: Date.now(),
          } satisfies ShiplogSignal,
        })
        .catch(error =>
          logger.warn(`Signal for ${entityRef} not published: ${error}`),
        ),
    ),
  );
}

/** The values reader, limited to the repositories config allows (integration and allowed hosts, file roots). */
function createValuesReader(
  options: { urlReader: UrlReaderService; config: Config },
  config: { refreshIntervalMs: number; timeoutMs: number },
  logger: LoggerService,
): GitOpsValuesReader {
  const integrations = ScmIntegrations.fromConfig(options.config);
  const allowed = readAllowedGitRepositories(options.config, integrations);
  return new GitOpsValuesReader({
    urlReader: options.urlReader,
    integrations,
    allowedFileRoots: allowed.fileRoots,
    isAllowedHost: allowed.isAllowedHost,
    ttlMs: config.refreshIntervalMs,
    timeoutMs: Math.max(config.timeoutMs, 10_000),
    logger,
  });
}
