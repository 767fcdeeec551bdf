import {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { EnvironmentConfig } from '@shiplog/plugin-shiplog-common';
import { CatalogEntityIndex } from '../catalog/CatalogEntityIndex';
import { LedgerEventStore } from '../database/stores';
import { WebhookDeliveryStore } from '../database/stores/WebhookDeliveryStore';
import { readIngestEventSchema } from '../ingest/readIngestSchema';
import { HeldDeliveryFlusher } from './HeldDeliveryFlusher';
import { SHIPLOG_TOPICS, createDeliveryTranslator } from './translateDelivery';
import { WebhookInbox } from './WebhookInbox';

export interface SetupWebhooksOptions {
  deliveries: WebhookDeliveryStore;
  store: LedgerEventStore;
  entityIndex: CatalogEntityIndex;
  environments: EnvironmentConfig[];
  events: EventsService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  /** Read for `shiplog.ingest.maxClockSkew`: webhooks are held to the same time bound as the API. */
  config: RootConfigService;
}

/**
 * Subscribes the webhook inbox to Shiplog's topics in Backstage's events system, retries failed
 * deliveries on a scheduled task (one replica: the deliveries are in the database), and flushes
 * deliveries held in memory in every replica.
 */
export async function setupWebhooks(
  options: SetupWebhooksOptions,
): Promise<WebhookInbox> {
  const logger = options.logger.child({ component: 'webhooks' });
  const inbox = new WebhookInbox(
    options.deliveries,
    options.store,
    createDeliveryTranslator(
      options.entityIndex,
      options.environments,
      readIngestEventSchema(options.config),
    ),
    logger,
  );
  await options.events.subscribe({
    id: 'shiplog-ledger',
    topics: SHIPLOG_TOPICS,
    onEvent: params => inbox.receive(params),
  });
  await options.scheduler.scheduleTask({
    id: 'shiplog-webhook-retry',
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const retried = await inbox.retryDue();
      if (retried) {
        options.logger.info(
          `Webhook retry: ${retried} delivery(ies) reprocessed`,
        );
      }
    },
  });
  new HeldDeliveryFlusher(inbox, options.logger).register(options.lifecycle);
  return inbox;
}
