import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { shiplogPermissions } from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  shiplogPromotionExecutorsExtensionPoint,
} from '@shiplog/plugin-shiplog-node';
import { createArgoCd } from './argocd/createArgoCd';
import { readShiplogConfig } from './config/readShiplogConfig';
import { ShiplogDatabase } from './database/ShiplogDatabase';
import { CoalescingIngester } from './ledger/CoalescingIngester';
import { LedgerService } from './ledger/LedgerService';
import { setupPromotions } from './promotions/setupPromotions';
import { EntityLoader } from './service/EntityLoader';
import { createRouter } from './service/router';
import { CatalogEntityIndex } from './webhooks/CatalogEntityIndex';
import {
  SHIPLOG_TOPICS,
  createDeliveryTranslator,
} from './webhooks/translateDelivery';
import { WebhookInbox } from './webhooks/WebhookInbox';

/**
 * Shiplog's backend plugin: the release ledger, its read API, and the webhook subscriber.
 *
 * @public
 */
export const shiplogPlugin = createBackendPlugin({
  pluginId: 'shiplog',
  register(env) {
    const promotionExecutors: PromotionExecutor[] = [];
    env.registerExtensionPoint(shiplogPromotionExecutorsExtensionPoint, {
      addExecutor(...executors) {
        promotionExecutors.push(...executors);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        urlReader: coreServices.urlReader,
        auditor: coreServices.auditor,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        scheduler,
        lifecycle,
        catalog,
        events,
        permissions,
        permissionsRegistry,
        urlReader,
        auditor,
      }) {
        const shiplogConfig = readShiplogConfig(config);
        const db = await ShiplogDatabase.create({ database });
        const ledger = new LedgerService(db.stores, shiplogConfig.environments);
        const entities = new EntityLoader(catalog, auth);
        const promotions = await setupPromotions({
          config,
          logger,
          auditor,
          auth,
          catalog,
          scheduler,
          permissionsRegistry,
          store: db.promotions,
          ledgerStore: db.ledger,
          ledger,
          extraExecutors: promotionExecutors,
        });

        const entityIndex = new CatalogEntityIndex(catalog, auth);
        const ingester = new CoalescingIngester(db.stores.events);
        permissionsRegistry.addPermissions(shiplogPermissions);
        const argocd = await createArgoCd({
          config,
          environments: shiplogConfig.environments,
          snapshots: db.argoSnapshots,
          urlReader,
          scheduler,
          logger,
          entities: entityIndex,
          ingest: ledgerEvents => db.stores.events.ingest(ledgerEvents),
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            ingester,
            ledger,
            entities,
            permissions,
            argocd,
            promotions: { httpAuth, permissions, entities, promotions },
          }),
        );

        const inbox = new WebhookInbox(
          db.webhookDeliveries,
          db.stores.events,
          createDeliveryTranslator(entityIndex, shiplogConfig.environments),
          logger.child({ component: 'webhooks' }),
        );
        await events.subscribe({
          id: 'shiplog-ledger',
          topics: SHIPLOG_TOPICS,
          onEvent: params => inbox.receive(params),
        });
        await scheduler.scheduleTask({
          id: 'shiplog-webhook-retry',
          frequency: { seconds: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            const retried = await inbox.retryDue();
            if (retried) {
              logger.info(
                `Webhook retry: ${retried} delivery(ies) reprocessed`,
              );
            }
          },
        });
        const flushTimer = setInterval(() => {
          inbox
            .flushHeld()
            .catch(error =>
              logger.warn('Flushing held webhook deliveries failed', error),
            );
        }, 10_000);
        flushTimer.unref();
        lifecycle.addShutdownHook(() => clearInterval(flushTimer));
      },
    });
  },
});
