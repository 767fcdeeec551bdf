import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { migrationsDir } from './migrations';
import { ShiplogDatabase } from './ShiplogDatabase';
import { TABLES } from './tables';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MIGRATION = '20261215000000_delivery_metrics.js';

const deploy = (id: string, version: string, minute: number, status: string) =>
  releaseEventInputSchema.parse({
    id,
    entityRef: 'component:default/checkout',
    type: 'deploy',
    status,
    version,
    environment: 'prod',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  });

describe.each(databases.eachSupportedId())(
  'the delivery metrics migration on %p',
  databaseId => {
    it('backfills finished deployments as ingest would have projected them, and goes down cleanly', async () => {
      const knex = await databases.init(databaseId);
      const db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
      await db.stores.events.ingest([
        deploy('a', '1.0.0', 1, 'succeeded'),
        deploy('b', '1.1.0', 2, 'failed'),
        deploy('c', '1.1.0', 3, 'succeeded'),
        deploy('d', '1.0.0', 4, 'succeeded'), // rolls 1.1.0 back
        deploy('e', '1.2.0', 5, 'started'),
      ]);
      const columns = [
        'deployment_id',
        'status',
        'finished_at',
        'was_rollback',
        'rolled_back',
        'recovered_at',
      ];
      const normalise = (rows: Array<Record<string, unknown>>) =>
        rows.map(row =>
          Object.fromEntries(
            columns.map(c => [
              c,
              typeof row[c] === 'boolean' || c.endsWith('back')
                ? Boolean(row[c])
                : row[c] && Number(row[c]),
            ]),
          ),
        );
      const projected = normalise(
        await knex(TABLES.finishedDeployments).orderBy('deployment_id'),
      );
      expect(projected).toHaveLength(4);

      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(await knex.schema.hasTable(TABLES.finishedDeployments)).toBe(
        false,
      );
      expect(
        await knex.schema.hasColumn(TABLES.commits, 'git_committed_at'),
      ).toBe(false);
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });
      const backfilled = normalise(
        await knex(TABLES.finishedDeployments).orderBy('deployment_id'),
      );
      expect(backfilled).toEqual(projected);
    });
  },
);
