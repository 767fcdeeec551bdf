import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { ArgoSnapshotStore } from '../argocd/polling/ArgoSnapshotStore';
import { HoldStore } from '../promotions/holds/HoldStore';
import { SyncLocks } from '../argocd/SyncLocks';
import { PromotionStore } from './stores/PromotionStore';
import { TaskCursorStore } from './stores/TaskCursorStore';
import { DatabaseOutboxStore } from '../notifications/outbox/DatabaseOutboxStore';
import { LedgerStore } from './LedgerStore';
import { migrationsDir } from './migrations';
import {
  DatabaseDeliveryMetricsStore,
  DatabaseRollupStore,
  DeliveryMetricsStore,
  LedgerStores,
  RollupStore,
} from './stores';
import { WebhookDeliveryStore } from './stores/WebhookDeliveryStore';
import { tuneSqlite } from './tuneSqlite';

/**
 * Shiplog's database: brings the schema (`migrations/`, tables named in `tables.ts`) up to date and
 * hands out the stores, the only classes that query it.
 */
export class ShiplogDatabase {
  /** The ledger's stores: events (write side), releases, commits, deployments, environments. */
  readonly ledger: LedgerStore;
  readonly promotions: PromotionStore;
  readonly argoSnapshots: ArgoSnapshotStore;
  readonly webhookDeliveries: WebhookDeliveryStore;
  /** Where scheduled tasks stopped. */
  readonly taskCursors: TaskCursorStore;
  /** Org views' reads of many components at once. */
  readonly rollups: RollupStore;
  /** DORA's inputs: finished deployments and commit lead times per environment. */
  readonly deliveryMetrics: DeliveryMetricsStore;
  /** Held environments. */
  readonly environmentHolds: HoldStore;
  /** One manual Argo CD sync per application at a time. */
  readonly syncLocks: SyncLocks;
  /** The notification outbox and Slack threads. */
  readonly notificationOutbox: DatabaseOutboxStore;

  /** Tunes SQLite and applies the migrations, unless the operator manages them (`migrations.skip`). */
  static async create(options: {
    database: DatabaseService;
  }): Promise<ShiplogDatabase> {
    const client = await options.database.getClient();
    await tuneSqlite(client);
    if (!options.database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new ShiplogDatabase(client);
  }

  private constructor(client: Knex) {
    this.ledger = new LedgerStore(client);
    this.promotions = new PromotionStore(client);
    this.argoSnapshots = new ArgoSnapshotStore(client);
    this.webhookDeliveries = new WebhookDeliveryStore(client);
    this.taskCursors = new TaskCursorStore(client);
    this.rollups = new DatabaseRollupStore(client);
    this.deliveryMetrics = new DatabaseDeliveryMetricsStore(client);
    this.environmentHolds = new HoldStore(client);
    this.syncLocks = new SyncLocks(client);
    this.notificationOutbox = new DatabaseOutboxStore(client);
  }

  get stores(): LedgerStores {
    return this.ledger.stores;
  }
}
