// @ts-check

/**
 * Read models for org views and DORA metrics, maintained on ingest so that a group's metrics over a
 * quarter read a few indexed ranges instead of the whole history:
 * - `shiplog_finished_deployments`: one row per finished (succeeded or failed) deployment, with what
 *   the change fail, recovery and rework rates need (rollback, rolled back, hotfix, recovered at);
 * - `shiplog_commit_lead_times`: per commit and environment, when the first succeeded deployment of a
 *   release containing it finished there, and where its lead time starts;
 * - `shiplog_lead_time_marks`: per component and environment, the newest commit position delivered;
 * - `shiplog_commits.git_committed_at`: git's commit time when an event reported it.
 * Every environment is kept, so marking another one `production: true` needs no rebuild.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('shiplog_commits', table => {
    table
      .bigInteger('git_committed_at')
      .nullable()
      .comment(
        "Git's commit time, when an event's commits[].timestamp gave it",
      );
  });

  await knex.schema.createTable('shiplog_finished_deployments', table => {
    table.comment(
      'Finished deployments (succeeded or failed) per environment, for DORA metrics',
    );
    table.bigInteger('deployment_id').primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 128).notNullable();
    table.string('status', 20).notNullable();
    table.bigInteger('finished_at').notNullable();
    table
      .boolean('was_rollback')
      .notNullable()
      .defaultTo(false)
      .comment('It replaced a newer release with an older one');
    table
      .boolean('rolled_back')
      .notNullable()
      .defaultTo(false)
      .comment(
        'The next finished deployment in the environment rolled it back',
      );
    table
      .boolean('hotfix')
      .notNullable()
      .defaultTo(false)
      .comment('Its release contains a pull request labelled hotfix');
    table
      .bigInteger('recovered_at')
      .nullable()
      .comment(
        'For a failed or rolled-back one: the finish of the next succeeded deployment',
      );
    table.index(
      ['environment', 'entity_ref', 'finished_at'],
      'shiplog_finished_deployments_window_idx',
    );
  });

  await knex.schema.createTable('shiplog_commit_lead_times', table => {
    table.comment(
      'When each commit first reached each environment in a succeeded deployment',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('sha', 40).notNullable();
    table.bigInteger('position').notNullable();
    table
      .bigInteger('started_at')
      .notNullable()
      .comment("Git's commit time, else the first event that listed it");
    table.bigInteger('deployed_at').notNullable();
    table.bigInteger('deployment_id').notNullable();
    table.primary(['entity_ref', 'environment', 'sha']);
    table.index(
      ['environment', 'entity_ref', 'deployed_at'],
      'shiplog_commit_lead_times_window_idx',
    );
  });

  await knex.schema.createTable('shiplog_lead_time_marks', table => {
    table.comment(
      'Per component and environment: the newest commit position a succeeded deployment delivered',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.bigInteger('position').notNullable();
    table.bigInteger('deployed_at').notNullable();
    table.primary(['entity_ref', 'environment']);
  });

  await backfill(knex);
};

/**
 * Existing history: finished deployments with their rollback links and recoveries, and marks at what
 * runs now so that the next deployment is not credited with every older commit. Lead times of older
 * deployments are not reconstructed.
 *
 * @param {import('knex').Knex} knex
 */
async function backfill(knex) {
  await knex.raw(`
    INSERT INTO shiplog_finished_deployments
      (deployment_id, entity_ref, environment, version, status, finished_at, was_rollback)
    SELECT id, entity_ref, environment, version, status, finished_at, "rollback"
    FROM shiplog_deployments
    WHERE status IN ('succeeded', 'failed') AND finished_at IS NOT NULL`);
  const sameEnvironment = `n.entity_ref = f.entity_ref AND n.environment = f.environment`;
  await knex.raw(`
    UPDATE shiplog_finished_deployments AS f SET rolled_back = COALESCE((
      SELECT n.was_rollback FROM shiplog_finished_deployments n
      WHERE ${sameEnvironment} AND n.finished_at > f.finished_at
      ORDER BY n.finished_at, n.deployment_id LIMIT 1), f.rolled_back)`);
  await knex.raw(`
    UPDATE shiplog_finished_deployments AS f SET recovered_at = (
      SELECT MIN(n.finished_at) FROM shiplog_finished_deployments n
      WHERE ${sameEnvironment} AND n.status = 'succeeded' AND n.finished_at > f.finished_at)
    WHERE f.status = 'failed' OR f.rolled_back`);
  await knex.raw(`
    INSERT INTO shiplog_lead_time_marks (entity_ref, environment, position, deployed_at)
    SELECT s.entity_ref, s.environment, c.position, s.current_at
    FROM shiplog_environment_state s
    JOIN shiplog_deployments d ON d.id = s.current_deployment_id
    LEFT JOIN shiplog_releases r ON r.entity_ref = d.entity_ref AND r.version = d.version
    JOIN shiplog_commits c ON c.entity_ref = d.entity_ref
      AND c.sha = COALESCE(d.commit_sha, r.commit_sha)
    WHERE s.current_at IS NOT NULL`);
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'shiplog_lead_time_marks',
    'shiplog_commit_lead_times',
    'shiplog_finished_deployments',
  ]) {
    await knex.schema.dropTable(name);
  }
  await knex.schema.alterTable('shiplog_commits', table => {
    table.dropColumn('git_committed_at');
  });
};
