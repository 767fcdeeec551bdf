import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { DEFAULT_ENVIRONMENT_POLICY } from '../../config/environmentPolicy';
import { LedgerStore } from '../../database/LedgerStore';
import { migrationsDir } from '../../database/migrations';
import { TaskCursorStore } from '../../database/stores/TaskCursorStore';
import { LedgerService } from '../../ledger/LedgerService';
import { DriftNotifier } from './DriftNotifier';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const DAY = 86_400_000;
const REF = 'component:default/checkout';
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'team-a' },
};
const environments = ['dev', 'stage', 'prod'].map(name => ({
  ...DEFAULT_ENVIRONMENT_POLICY,
  name,
}));

describe.each(databases.eachSupportedId())(
  'DriftNotifier on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let ledgerStore: LedgerStore;

    const deploy = (version: string, environment: string, at: number) =>
      releaseEventInputSchema.parse({
        id: `${version}-${environment}`,
        entityRef: REF,
        type: 'deploy',
        status: 'succeeded',
        version,
        environment,
        occurredAt: new Date(at).toISOString(),
      });

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      ledgerStore = new LedgerStore(knex);
    });

    afterEach(async () => {
      await knex.destroy();
    });

    it('tells owners once when prod runs behind stage for longer than allowed, again when stage moves on', async () => {
      const start = Date.now() - 40 * DAY;
      await ledgerStore.ingest([
        deploy('1.0.0', 'stage', start),
        deploy('1.0.0', 'prod', start + DAY),
        deploy('1.1.0', 'stage', start + 20 * DAY),
      ]);
      const ledger = new LedgerService(ledgerStore.stores, environments);
      const notify = jest.fn(async () => undefined);
      // The clock runs in the past: events never lie in the future.
      let now = Date.now() - 10 * DAY;
      const drift = new DriftNotifier({
        entityRefs: async () =>
          (await ledgerStore.stores.environments.listEntityRefs?.()) ?? [],
        entity: async ref => (ref === REF ? entity : undefined),
        environments: (ref, e) => ledger.getEnvironments(ref, e),
        cursors: new TaskCursorStore(knex),
        notify,
        driftAfterMs: 3 * DAY,
        logger: mockServices.logger.mock(),
        now: () => now,
      });

      expect(await drift.run()).toBe(1);
      expect(notify).toHaveBeenCalledWith(
        REF,
        'prod',
        expect.stringContaining('prod runs 1.0.0 while stage has run 1.1.0'),
      );
      expect(await drift.run()).toBe(0);

      await ledgerStore.ingest([deploy('1.2.0', 'stage', now)]);
      expect(await drift.run()).toBe(0);
      now += 4 * DAY;
      expect(await drift.run()).toBe(1);

      await ledgerStore.ingest([deploy('1.2.0', 'prod', now)]);
      expect(await drift.run()).toBe(0);
      expect(notify).toHaveBeenCalledTimes(2);
    });
  },
);
