import {
  coreServices,
  createBackendPlugin,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
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
import { LedgerStore } from './database/LedgerStore';
import { applyDatabaseMigrations } from './database/migrations';
import { setupPromotions } from './promotions/setupPromotions';
import { EntityLoader } from './routes/EntityLoader';
import { createRouter } from './routes/router';
import { CoalescingIngester } from './service/CoalescingIngester';
import { LedgerService } from './service/LedgerService';
import { NextVersionService } from './ledger/NextVersionService';
import { setupWebhooks } from './webhooks/setupWebhooks';

/** The ledger: migrations applied, its store, the read service, and the ingester in front of the store. */
async function setupLedger(
  database: DatabaseService,
  environments: EnvironmentConfig[],
) {
  const db = await applyDatabaseMigrations(database);
  const store = new LedgerStore(db);
  return {
    db,
    store,
    ledger: new LedgerService(store, environments),
    nextVersion: new NextVersionService(store),
    ingester: new CoalescingIngester(store),
  };
}

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
      async init(deps) {
        const { auth, catalog } = deps;
        const { environments } = readShiplogConfig(deps.config);
        const { db, store, ledger, nextVersion, ingester } = await setupLedger(
          deps.database,
          environments,
        );
        const entityIndex = new CatalogEntityIndex(catalog, auth);
        const promotions = await setupPromotions({
          ...deps,
          db,
          ledgerStore: store,
          ledger,
          extraExecutors: promotionExecutors,
        });
        deps.permissionsRegistry.addPermissions(shiplogPermissions);
        const argocd = await setupArgoCd({
          ...deps,
          environments,
          db,
          entities: entityIndex,
          ingest: ledgerEvents => store.ingest(ledgerEvents),
        });
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            ingester,
            ledger,
            nextVersion,
            entities: new EntityLoader(catalog, auth),
            argocd,
            promotions,
          }),
        );
        await setupWebhooks({
          ...deps,
          db,
          store,
          entityIndex,
          environments,
        });
      },
    });
  },
});
