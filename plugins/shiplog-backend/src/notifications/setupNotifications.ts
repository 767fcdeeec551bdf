import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { LedgerStore } from '../database/LedgerStore';
import type { LedgerService } from '../ledger/LedgerService';
import { BackstageNotifier } from './backstage/BackstageNotifier';
import { readNotificationsConfig } from './config';
import { DriftNotifier, DriftNotifierOptions } from './drift/DriftNotifier';
import { EntityDirectory } from './EntityDirectory';
import {
  type ArgoCdStateReader,
  LedgerReleaseViews,
} from './LedgerReleaseViews';
import type { DatabaseOutboxStore } from './outbox/DatabaseOutboxStore';
import { outboxEntriesFor } from './outbox/outboxEntries';
import { SlackApi } from './slack/SlackApi';
import { SlackDeliverer } from './slack/SlackDeliverer';

export interface SetupNotificationsOptions {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  auth: AuthService;
  catalog: CatalogService;
  ledgerStore: LedgerStore;
  outbox: DatabaseOutboxStore;
  ledger: LedgerService;
  argocd?: ArgoCdStateReader;
  notifications?: NotificationService;
  signals?: SignalsService;
  /** Where the drift task keeps what it already notified. */
  cursors?: DriftNotifierOptions['cursors'];
}

/**
 * Wires notifications from `shiplog.notifications`: every ledger batch writes its Slack messages to the
 * outbox in its own transaction (when Slack is configured) and, once committed, signals the entities it
 * touched and notifies their owners; the Slack deliverer and the drift check run as global scheduled tasks.
 */
export async function setupNotifications(
  options: SetupNotificationsOptions,
): Promise<BackstageNotifier> {
  const config = readNotificationsConfig(options.config);
  const logger = options.logger.child({ component: 'notifications' });
  const directory = new EntityDirectory({
    catalog: options.catalog,
    auth: options.auth,
    defaultChannel: config.slack?.defaultChannel,
    appBaseUrl: config.appBaseUrl,
  });
  const notifier = new BackstageNotifier({
    directory,
    logger,
    notifications: options.notifications,
    signals: options.signals,
  });
  const { outbox } = options;
  options.ledgerStore.addIngestHook({
    withinTransaction: config.slack
      ? (trx, fresh, { receivedAt, versionOf }) =>
          outbox.enqueue(
            trx,
            outboxEntriesFor(fresh, receivedAt, versionOf),
            receivedAt,
          )
      : undefined,
    // Not awaited: the ingest answers at once; the notifier logs its own failures.
    afterCommit: async fresh => {
      void notifier.afterCommit(fresh);
    },
  });
  if (config.slack) {
    const deliverer = new SlackDeliverer({
      store: outbox,
      slack: new SlackApi({
        token: config.slack.token,
        apiUrl: config.slack.apiUrl,
      }),
      channels: directory,
      releases: new LedgerReleaseViews({
        ledger: options.ledger,
        directory,
        logger,
        argocd: options.argocd,
      }),
      logger,
      environments: config.slack.environments,
      parentUpdateIntervalMs: config.slack.parentUpdateIntervalMs,
    });
    await deliverer.schedule(options.scheduler);
  } else {
    logger.info('Slack notifications are off (no shiplog.notifications.slack)');
  }
  if (options.cursors && options.notifications) {
    await new DriftNotifier({
      entityRefs: async () =>
        (await options.ledgerStore.stores.environments.listEntityRefs?.()) ??
        [],
      entity: entityRef => directory.entity(entityRef),
      environments: (entityRef, entity) =>
        options.ledger.getEnvironments(entityRef, entity),
      cursors: options.cursors,
      notify: (entityRef, environment, description) =>
        notifier.drift(entityRef, environment, description),
      driftAfterMs: config.driftAfterMs,
      logger,
    }).schedule(options.scheduler);
  }
  return notifier;
}
