import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { ShiplogDatabase } from '../ShiplogDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY = 'component:default/checkout';

describe.each(databases.eachSupportedId())(
  'DatabaseDeploymentStore on %p',
  databaseId => {
    let db: ShiplogDatabase;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
    });

    it('finds the deploy events a promotion waits for, and recent successes for auto-promotion', async () => {
      const ledger = db.stores.events;
      const store = db.stores.deployments;
      const now = Date.now();
      const deploy = (
        id: string,
        status: string,
        extra: Record<string, unknown> = {},
      ) =>
        releaseEventInputSchema.parse({
          id,
          entityRef: ENTITY,
          type: 'deploy',
          status,
          environment: 'prod',
          version: '1.2.0',
          occurredAt: new Date(now).toISOString(),
          ...extra,
        });
      await ledger.ingest([deploy('old', 'succeeded')], new Date(now - 60_000));
      await ledger.ingest(
        [
          deploy('s', 'started', {
            runUrl: 'https://argocd.example/applications/checkout-prod',
          }),
          deploy('ok', 'succeeded'),
          deploy('other', 'succeeded', { version: '1.1.0' }),
          deploy('backfill', 'succeeded', {
            occurredAt: new Date(now - 86_400_000 * 30).toISOString(),
          }),
        ],
        new Date(now),
      );
      const events = await store.deployEventsSince(
        { entityRef: ENTITY, environment: 'prod', version: '1.2.0' },
        now - 1000,
      );
      // Received before the promotion (old) or long before it happened (backfill): not its deployment.
      expect(events.map(e => [e.id, e.status])).toEqual([
        ['s', 'started'],
        ['ok', 'succeeded'],
      ]);
      expect(events[0].runUrl).toBe(
        'https://argocd.example/applications/checkout-prod',
      );
      const recent = await store.recentDeploySuccesses(
        now - 1000,
        now - 3_600_000,
      );
      expect(recent.map(e => e.id).sort()).toEqual(['ok', 'other']);
      expect(await store.hasSucceededIn(ENTITY, 'prod', '1.2.0')).toBe(true);
      expect(await store.hasSucceededIn(ENTITY, 'stage', '1.2.0')).toBe(false);
    });
  },
);
