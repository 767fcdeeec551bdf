import {
  coreServices,
  createBackendPlugin,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  EnvironmentConfig,
  shiplogPermissions,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  shiplogPromotionExecutorsExtensionPoint,
} from '@shiplog/plugin-shiplog-node';
import { setupArgoCd } from './argocd/setupArgoCd';
import { CatalogEntityIndex } from './catalog/CatalogEntityIndex';
import { readShiplogConfig } from './config/readShiplogConfig';
import { ShiplogDatabase } from './database/ShiplogDatabase';
import { setupIngest } from './ingest/setupIngest';
import { CoalescingIngester } from './ledger/CoalescingIngester';
import { LedgerService } from './ledger/LedgerService';
import { ComponentCoverage, OrgViewService } from './ledger/OrgViewService';
import { CoveredComponents } from './catalog/CoveredComponents';
import { setupPromotions } from './promotions/setupPromotions';
import { EntityLoader } from './routes/EntityLoader';
import { createRouter } from './routes/router';
import { registerShiplogActions } from './actions/registerShiplogActions';
import { NextVersionService } from './ledger/NextVersionService';
import { setupNotifications } from './notifications/setupNotifications';
import { setupWebhooks } from './webhooks/setupWebhooks';

/** The database (migrations applied, the stores), the ledger's read service, and the ingester in front of its write side. */
async function setupLedger(
  database: DatabaseService,
  environments: EnvironmentConfig[],
) {
  const db = await ShiplogDatabase.create({ database });
  return {
    db,
    ledger: new LedgerService(db.stores, environments),
    orgViews: (coverage: ComponentCoverage) =>
      new OrgViewService({
        coverage,
        rollups: db.rollups,
        deliveryMetrics: db.deliveryMetrics,
        environments,
      }),
    nextVersion: new NextVersionService(db.stores),
    ingester: new CoalescingIngester(db.stores.events),
  };
}

/** The services Shiplog's backend is built on. */
const shiplogDeps = {
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
  notifications: notificationService,
  signals: signalsServiceRef,
  actionsRegistry: actionsRegistryServiceRef,
};

/**
 * Shiplog's backend plugin: the release ledger, its read API, Argo CD, promotions and the webhook
 * subscriber. Wiring only: each concern is set up by its own module.
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
      deps: shiplogDeps,
      async init(deps) {
        const { auth, catalog } = deps;
        const { environments } = readShiplogConfig(deps.config);
        const { db, ledger, nextVersion, ingester, orgViews } =
          await setupLedger(deps.database, environments);
        const entityIndex = new CatalogEntityIndex(catalog, auth);
        const argocd = await setupArgoCd({
          ...deps,
          environments,
          snapshots: db.argoSnapshots,
          syncLocks: db.syncLocks,
          entities: entityIndex,
          ingest: ledgerEvents => db.stores.events.ingest(ledgerEvents),
        });
        const promotions = await setupPromotions({
          ...deps,
          store: db.promotions,
          cursors: db.taskCursors,
          ledgerStore: db.ledger,
          ledger,
          extraExecutors: promotionExecutors,
          holdStore: db.environmentHolds,
          healthOf: async (entity, environment) =>
            (
              await argocd.getEntityState(entity)
            ).applications.find(app => app.environment === environment)?.health
              .status,
        });
        deps.permissionsRegistry.addPermissions(shiplogPermissions);
        await setupNotifications({
          ...deps,
          ledgerStore: db.ledger,
          outbox: db.notificationOutbox,
          ledger,
          argocd,
          cursors: db.taskCursors,
        });
        const entities = new EntityLoader(catalog, auth);
        const orgViewService = orgViews(new CoveredComponents(catalog, auth));
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            ingester,
            ledger,
            nextVersion,
            entities,
            argocd,
            promotions,
            orgViews: orgViewService,
            ingest: setupIngest(deps),
          }),
        );
        registerShiplogActions({
          ...deps,
          entities,
          orgViews: orgViewService,
          promotions,
        });
        await setupWebhooks({
          ...deps,
          deliveries: db.webhookDeliveries,
          store: db.stores.events,
          entityIndex,
          environments,
        });
      },
    });
  },
});
