import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { LedgerService } from '../../ledger/LedgerService';
import { getRollup } from '../../ledger/rollup';
import { ShiplogDatabase } from '../ShiplogDatabase';
import { TABLES } from '../tables';
import { LedgerEvent } from '../types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const A = 'component:default/checkout';
const B = 'component:default/cart';
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const at = (hour: number) => new Date(Date.UTC(2026, 0, 5, hour)).toISOString();
const ENVIRONMENTS: EnvironmentConfig[] = ['dev', 'prod'].map(name => ({
  name,
  autoPromote: false,
  requiresApproval: false,
  sync: 'automatic',
  change: 'pull-request',
}));
const entityOf = (entityRef: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: entityRef.split('/')[1], namespace: 'default' },
});

let seq = 0;
const event = (fields: Record<string, unknown>): LedgerEvent =>
  releaseEventInputSchema.parse({
    id: `o${++seq}`,
    entityRef: A,
    status: 'succeeded',
    ...fields,
  });
const release = (version: string, n: number, hour: number, commits: number[]) =>
  event({
    type: 'release',
    version,
    commitSha: sha(n),
    occurredAt: at(hour),
    commits: commits.map(c => ({ sha: sha(c), message: `change ${c}` })),
  });
const deploy = (
  version: string,
  environment: string,
  hour: number,
  status = 'succeeded',
) =>
  event({ type: 'deploy', version, environment, status, occurredAt: at(hour) });
const push = (commits: number[], hour: number): LedgerEvent => ({
  id: `o${++seq}`,
  entityRef: A,
  type: 'commits',
  commits: commits.map(c => ({ sha: sha(c), message: `change ${c}` })),
  occurredAt: at(hour),
});

/**
 * Three releases of two commits each; 1.2.0 re-reports a commit 1.1.0 already listed. Deploys arrive
 * out of order (1.1.0's older success to dev after 1.2.0's), prod's upgrade fails.
 */
const HISTORY = [
  release('1.0.0', 2, 1, [1, 2]),
  release('1.1.0', 4, 2, [3, 4]),
  release('1.2.0', 6, 3, [4, 5, 6]),
  deploy('1.0.0', 'dev', 4),
  deploy('1.0.0', 'prod', 5),
  deploy('1.2.0', 'dev', 8),
  deploy('1.1.0', 'dev', 6), // reported late: older than what runs, stays history
  deploy('1.1.0', 'prod', 9, 'started'),
  deploy('1.1.0', 'prod', 10, 'failed'),
];

async function cellsOf(knex: Knex) {
  const rows: Array<Record<string, unknown>> = await knex(TABLES.rollupCells)
    .orderBy(['entity_ref', 'environment'])
    .select();
  return rows.map(row =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'string' && /_(id|at|since|position|rank)$/.test(key)
          ? Number(value)
          : value,
      ]),
    ),
  );
}

describe.each(databases.eachSupportedId())(
  'the rollup read model on %p',
  databaseId => {
    let knex: Knex;
    let db: ShiplogDatabase;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
    });

    const rollup = () =>
      getRollup(
        db.rollups,
        [A, B].map(entityRef => ({ entityRef, entity: entityOf(entityRef) })),
        ENVIRONMENTS,
      );

    it('keeps what runs, the last attempt and the drift of each cell through out-of-order and failed deploys', async () => {
      for (const e of HISTORY) await db.stores.events.ingest([e]);
      const positions: Array<{ position: unknown }> = await knex(TABLES.commits)
        .where('entity_ref', A)
        .orderBy('position')
        .select('position');
      // The re-reported commit spends no position: differences of positions count commits.
      expect(positions.map(p => Number(p.position))).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);

      expect(await rollup()).toEqual({
        environments: ['dev', 'prod'],
        components: [
          {
            entityRef: B,
            environments: { dev: {}, prod: {} },
            undeployedCommits: 0,
            failing: false,
          },
          {
            entityRef: A,
            environments: {
              dev: { version: '1.2.0', since: at(8), status: 'succeeded' },
              prod: {
                version: '1.0.0',
                since: at(5),
                status: 'failed',
                behindReleases: 2,
                behindCommits: 4,
              },
            },
            undeployedCommits: 0,
            failing: true,
          },
        ],
      });
    });

    it('follows a rollback, a re-deploy of the same version and new commits', async () => {
      for (const e of HISTORY) await db.stores.events.ingest([e]);
      await db.stores.events.ingest([deploy('1.1.0', 'dev', 11)]); // rolls 1.2.0 back
      await db.stores.events.ingest([deploy('1.0.0', 'prod', 12)]); // re-deploys what runs
      await db.stores.events.ingest([push([7, 8], 13)]);
      const { components } = await rollup();
      expect(components[1]).toEqual({
        entityRef: A,
        environments: {
          dev: { version: '1.1.0', since: at(11), status: 'succeeded' },
          prod: {
            version: '1.0.0',
            since: at(12),
            status: 'succeeded',
            behindReleases: 1,
            behindCommits: 2,
          },
        },
        // Commits 5 to 8: nothing on the promotion path runs them since the rollback.
        undeployedCommits: 4,
        failing: false,
      });

      // The component's matrix reads the same model: the same drift and undeployed count.
      const matrix = await new LedgerService(
        db.stores,
        ENVIRONMENTS,
      ).getEnvironments(A, entityOf(A));
      expect(matrix.environments[1].drift).toEqual({
        previousEnvironment: 'dev',
        releasesBehind: 1,
        commitsBehind: 2,
        aheadOfPrevious: false,
      });
      expect(matrix.undeployed.commitCount).toBe(4);
      expect(matrix.undeployed.commits.map(c => c.sha)).toEqual(
        [8, 7, 6, 5].map(sha),
      );
    });

    it('holds the same cells whether the history came one event at a time or in one batch', async () => {
      for (const e of HISTORY) await db.stores.events.ingest([e]);
      const oneByOne = await cellsOf(knex);
      const other = await databases.init(databaseId);
      const otherDb = await ShiplogDatabase.create({
        database: mockServices.database({ knex: other }),
      });
      await otherDb.stores.events.ingest(
        HISTORY.map(e => ({ ...e, id: `batch-${e.id}` })),
      );
      const inOneBatch = await cellsOf(other);
      const withoutIds = (rows: Array<Record<string, unknown>>) =>
        rows.map(
          ({ current_deployment_id, attempt_deployment_id, ...rest }) => rest,
        );
      expect(withoutIds(inOneBatch)).toEqual(withoutIds(oneByOne));
      expect(oneByOne).toHaveLength(2);
    });
  },
);
