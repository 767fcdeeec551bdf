// @ts-check

const CELL_COLUMNS = `entity_ref, environment, current_deployment_id, current_version,
  current_version_key, current_commit_position, current_release_rank, current_since, current_status,
  attempt_deployment_id, attempt_version, attempt_status, attempt_at`;

/**
 * The cells as ingest projects them (`projectRollupCells`): the state per environment joined to its
 * deployments, the running release and its commit.
 */
const CELLS_SELECT = `
  SELECT s.entity_ref, s.environment, c.id, c.version, r.version_key, p.position,
    (SELECT COUNT(*) FROM shiplog_releases k
      WHERE k.entity_ref = s.entity_ref AND k.version_key <= r.version_key),
    COALESCE(c.finished_at, c.sort_at), c.status,
    a.id, a.version, a.status, a.sort_at
  FROM shiplog_environment_state s
  LEFT JOIN shiplog_deployments c ON c.id = s.current_deployment_id
  LEFT JOIN shiplog_releases r ON r.entity_ref = s.entity_ref AND r.version = c.version
  LEFT JOIN shiplog_commits p ON p.entity_ref = s.entity_ref
    AND p.sha = COALESCE(c.commit_sha, r.commit_sha)
  LEFT JOIN shiplog_deployments a ON a.id = s.attempt_deployment_id`;

/**
 * The rollup's read model: one row per component and environment holding what a rollup cell shows
 * and what its drift needs, so a group's rollup reads one indexed table instead of joining history.
 *
 * - `shiplog_rollup_cells`: per (component, environment) what runs (version, order key, commit
 *   position, the release's rank among the component's releases, since when) and the last attempt
 *   (status, version, time). Releases behind = rank before − rank here; commits behind = position
 *   before − position here.
 * - `shiplog_commit_heads`: per component the newest commit position (commits no environment runs =
 *   head − the newest position deployed).
 *
 * Commit positions become gap-free (1..n per component, in their current order): ingest used to
 * spend a position on each commit it had already stored, so differences of positions were not
 * counts. Lead times and marks keep pointing at the same commits.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await closePositionGaps(knex);

  await knex.schema.createTable('shiplog_rollup_cells', table => {
    table.comment(
      'What runs in each environment of each component, with what drift needs (rollup)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.bigInteger('current_deployment_id').nullable();
    table.string('current_version', 128).nullable();
    table.string('current_version_key', 512).nullable();
    table
      .bigInteger('current_commit_position')
      .nullable()
      .comment('The position of the commit of the running release');
    table
      .integer('current_release_rank')
      .nullable()
      .comment('Releases of the component with an order key up to this one');
    table
      .bigInteger('current_since')
      .nullable()
      .comment('When what runs finished deploying');
    table.string('current_status', 20).nullable();
    table.bigInteger('attempt_deployment_id').nullable();
    table.string('attempt_version', 128).nullable();
    table.string('attempt_status', 20).nullable();
    table.bigInteger('attempt_at').nullable();
    table.primary(['entity_ref', 'environment']);
  });

  await knex.schema.createTable('shiplog_commit_heads', table => {
    table.comment('Per component: the newest commit position');
    table.string('entity_ref', 255).primary().notNullable();
    table.bigInteger('head_position').notNullable();
  });

  await knex.raw(
    `INSERT INTO shiplog_rollup_cells (${CELL_COLUMNS}) ${CELLS_SELECT}`,
  );
  await knex.raw(`
    INSERT INTO shiplog_commit_heads (entity_ref, head_position)
    SELECT entity_ref, MAX(position) FROM shiplog_commits GROUP BY entity_ref`);
};

/**
 * Renumbers each component's commits 1..n in position order: first to negatives (no row holds one,
 * so the unique index never sees two rows at a position), then back; marks and lead times follow.
 *
 * @param {import('knex').Knex} knex
 */
async function closePositionGaps(knex) {
  const gapped = `SELECT entity_ref FROM shiplog_commits
    GROUP BY entity_ref HAVING MAX(position) <> COUNT(*)`;
  // Marks hold the old position of a delivered commit: its new one is the commits at or below it.
  await knex.raw(`
    UPDATE shiplog_lead_time_marks SET position = (
      SELECT COUNT(*) FROM shiplog_commits c
      WHERE c.entity_ref = shiplog_lead_time_marks.entity_ref
        AND c.position <= shiplog_lead_time_marks.position)
    WHERE entity_ref IN (${gapped})`);
  await knex.raw(`
    UPDATE shiplog_commits SET position = -ranked.rn
    FROM (
      SELECT entity_ref, sha, ROW_NUMBER() OVER (
        PARTITION BY entity_ref ORDER BY position
      ) AS rn
      FROM shiplog_commits WHERE entity_ref IN (${gapped})
    ) AS ranked
    WHERE shiplog_commits.entity_ref = ranked.entity_ref
      AND shiplog_commits.sha = ranked.sha`);
  await knex.raw(`
    UPDATE shiplog_commit_lead_times SET position = (
      SELECT -c.position FROM shiplog_commits c
      WHERE c.entity_ref = shiplog_commit_lead_times.entity_ref
        AND c.sha = shiplog_commit_lead_times.sha)
    WHERE entity_ref IN (SELECT DISTINCT entity_ref FROM shiplog_commits WHERE position < 0)`);
  await knex.raw(`
    UPDATE shiplog_commits SET position = -position WHERE position < 0`);
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_commit_heads');
  await knex.schema.dropTable('shiplog_rollup_cells');
};
