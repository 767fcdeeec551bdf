import { Knex } from 'knex';
import { TABLES } from '../tables';
import { ProjectionBatch, chunks } from './batch';
import { named, oneOf } from './statements';

const CELLS = TABLES.rollupCells;
const HEADS = TABLES.commitHeads;

/**
 * The state per environment joined to its deployments, the running release and its commit, and the
 * release's rank among the component's releases (an index range count, paid once per batch here
 * instead of once per cell and view). The same select as the migration's backfill.
 */
const CELLS_SELECT = `
  SELECT s.entity_ref, s.environment, c.id, c.version, r.version_key, p.position,
    (SELECT COUNT(*) FROM ${TABLES.releases} k
      WHERE k.entity_ref = s.entity_ref AND k.version_key <= r.version_key),
    COALESCE(c.finished_at, c.sort_at), c.status,
    a.id, a.version, a.status, a.sort_at
  FROM ${TABLES.environmentState} s
  LEFT JOIN ${TABLES.deployments} c ON c.id = s.current_deployment_id
  LEFT JOIN ${TABLES.releases} r ON r.entity_ref = s.entity_ref AND r.version = c.version
  LEFT JOIN ${TABLES.commits} p ON p.entity_ref = s.entity_ref
    AND p.sha = COALESCE(c.commit_sha, r.commit_sha)
  LEFT JOIN ${TABLES.deployments} a ON a.id = s.attempt_deployment_id`;

/**
 * The same select for PostgreSQL, each state's joins in a LATERAL subquery (`OFFSET 0` keeps it from
 * being flattened): every join is then a primary-key lookup from one state row, whatever the
 * statistics say. A table that grew since it was last analysed (a fresh install, an import) made
 * the joined form's plan hash whole tables: 4-33 ms per statement where the lookups take under 1.
 */
const CELLS_SELECT_POSTGRES = `
  SELECT s.entity_ref, s.environment, x.* FROM ${TABLES.environmentState} s
  CROSS JOIN LATERAL (
    SELECT c.id AS current_id, c.version AS current_version, r.version_key, p.position,
      (SELECT COUNT(*) FROM ${TABLES.releases} k
        WHERE k.entity_ref = s.entity_ref AND k.version_key <= r.version_key) AS release_rank,
      COALESCE(c.finished_at, c.sort_at) AS current_since, c.status AS current_status,
      a.id AS attempt_id, a.version AS attempt_version, a.status AS attempt_status,
      a.sort_at AS attempt_at
    FROM (SELECT 1) AS one
    LEFT JOIN ${TABLES.deployments} c ON c.id = s.current_deployment_id
    LEFT JOIN ${TABLES.releases} r ON r.entity_ref = s.entity_ref AND r.version = c.version
    LEFT JOIN ${TABLES.commits} p ON p.entity_ref = s.entity_ref
      AND p.sha = COALESCE(c.commit_sha, r.commit_sha)
    LEFT JOIN ${TABLES.deployments} a ON a.id = s.attempt_deployment_id
    OFFSET 0) x`;

const CELL_COLUMNS = `entity_ref, environment, current_deployment_id, current_version,
  current_version_key, current_commit_position, current_release_rank, current_since, current_status,
  attempt_deployment_id, attempt_version, attempt_status, attempt_at`;

/** Every column but the key takes the rebuilt value (the same on PostgreSQL and SQLite). */
const CELL_UPDATES = CELL_COLUMNS.split(',')
  .map(column => column.trim())
  .filter(column => column !== 'entity_ref' && column !== 'environment')
  .map(column => `${column} = excluded.${column}`)
  .join(', ');

/**
 * The rollup's cells of the components a batch touched, rebuilt from the state per environment in the
 * ingest transaction: whatever the batch changed (a deployment, a release's commit, commits reordered
 * by a push, a release ranked before others), the cells agree with the ledger. A few rows per
 * component, read through primary keys, written as one upsert (a state per environment is never
 * removed, so neither is its cell; one statement instead of a delete and an insert per batch). The
 * commit heads (a component's highest commit position) only move when the batch gave the component
 * commits.
 */
export async function projectRollupCells(
  { trx }: ProjectionBatch,
  entityRefs: string[],
  withCommits: Set<string>,
): Promise<void> {
  const select = String(trx.client.config.client).includes('pg')
    ? CELLS_SELECT_POSTGRES
    : CELLS_SELECT;
  for (const part of chunks([...new Set(entityRefs)])) {
    const touched = oneOf('s.entity_ref', part);
    await named(
      trx,
      trx.raw(
        `INSERT INTO ${CELLS} (${CELL_COLUMNS}) ${select} WHERE ${touched.sql}
         ON CONFLICT (entity_ref, environment) DO UPDATE SET ${CELL_UPDATES}`,
        touched.bindings,
      ),
      'rollup_cells_v2',
      touched,
    );
  }
  await projectCommitHeads(trx, [...withCommits]);
}

async function projectCommitHeads(trx: Knex.Transaction, entityRefs: string[]) {
  for (const part of chunks(entityRefs)) {
    const touched = oneOf('entity_ref', part);
    await named(
      trx,
      trx(HEADS).whereRaw(touched.sql, touched.bindings).delete(),
      'commit_heads_delete_v1',
      touched,
    );
    await named(
      trx,
      trx.raw(
        `INSERT INTO ${HEADS} (entity_ref, head_position)
         SELECT entity_ref, MAX(position) FROM ${TABLES.commits}
         WHERE ${touched.sql} GROUP BY entity_ref`,
        touched.bindings,
      ),
      'commit_heads_insert_v1',
      touched,
    );
  }
}
