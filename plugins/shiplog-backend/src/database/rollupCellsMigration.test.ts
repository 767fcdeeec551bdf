import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { migrationsDir } from './migrations';
import { ShiplogDatabase } from './ShiplogDatabase';
import { TABLES } from './tables';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MIGRATIONS = [
  '20261222100000_delivery_buckets.js',
  '20261222000000_rollup_cells.js',
];

const sha = (n: number) => n.toString(16).padStart(40, 'e');
const at = (hour: number) => new Date(Date.UTC(2026, 0, 5, hour)).toISOString();
let seq = 0;
const event = (fields: Record<string, unknown>) =>
  releaseEventInputSchema.parse({
    id: `m${++seq}`,
    entityRef: 'component:default/checkout',
    status: 'succeeded',
    ...fields,
  });
const release = (version: string, n: number, hour: number) =>
  event({
    type: 'release',
    version,
    commitSha: sha(n),
    occurredAt: at(hour),
    commits: [{ sha: sha(n - 1) }, { sha: sha(n) }],
  });
const deploy = (version: string, environment: string, hour: number) =>
  event({ type: 'deploy', version, environment, occurredAt: at(hour) });

const rowsOf = async (knex: Knex, table: string, order: string[]) =>
  (await knex(table).orderBy(order)).map((row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : value,
      ]),
    ),
  );

describe.each(databases.eachSupportedId())(
  'the rollup cells migration on %p',
  databaseId => {
    it('closes gaps in commit positions (lead times and marks follow) and backfills the cells ingest keeps', async () => {
      const knex = await databases.init(databaseId);
      const db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
      await db.stores.events.ingest([
        release('1.0.0', 2, 1),
        release('1.1.0', 4, 2),
        deploy('1.0.0', 'prod', 3),
        deploy('1.1.0', 'dev', 4),
        deploy('1.1.0', 'prod', 5),
      ]);
      const snapshot = async () => ({
        commits: await rowsOf(knex, TABLES.commits, ['position']),
        leadTimes: await rowsOf(knex, TABLES.commitLeadTimes, [
          'environment',
          'sha',
        ]),
        marks: await rowsOf(knex, TABLES.leadTimeMarks, ['environment']),
        cells: await rowsOf(knex, TABLES.rollupCells, ['environment']),
        heads: await rowsOf(knex, TABLES.commitHeads, ['entity_ref']),
      });
      const projected = await snapshot();
      expect(projected.cells).toHaveLength(2);
      expect(projected.leadTimes).toHaveLength(8); // dev's and prod's

      for (const name of MIGRATIONS) {
        await knex.migrate.down({ directory: migrationsDir, name });
      }
      expect(await knex.schema.hasTable(TABLES.rollupCells)).toBe(false);
      // Positions as ingest used to spend them: gaps, with lead times and marks at the same positions.
      for (const table of [
        TABLES.commits,
        TABLES.commitLeadTimes,
        TABLES.leadTimeMarks,
      ]) {
        // Through negatives: the unique index on commits never sees two rows at one position.
        await knex(table).update({ position: knex.raw('-3 * position') });
        await knex(table).update({ position: knex.raw('-position') });
      }
      for (const name of [...MIGRATIONS].reverse()) {
        await knex.migrate.up({ directory: migrationsDir, name });
      }
      expect(await snapshot()).toEqual(projected);
    });
  },
);
