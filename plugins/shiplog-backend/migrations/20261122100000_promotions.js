// @ts-check

/**
 * Promotions: a request to move a version of a component to an environment, from its guards to
 * its deployment. Times are epoch milliseconds (bigint), as in the ledger.
 *
 * The lock "one promotion in flight per (entity, environment)" is a unique index over
 * (entity_ref, environment, in_flight): in_flight is true while a promotion is in flight and NULL
 * once it ended, and both PostgreSQL and SQLite let any number of rows share NULLs in a unique index.
 * So the database, not a process, decides which of two concurrent promotions proceeds, whichever
 * backend replica they reach.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_promotions', table => {
    table.comment(
      'Promotions of a version to an environment, with their guards, GitOps change and deployment',
    );
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 128).notNullable();
    table
      .string('from_version', 128)
      .nullable()
      .comment('What the environment ran when the promotion was requested');
    table
      .string('state', 20)
      .notNullable()
      .comment(
        'requested, change_opened, merged, synced, deployed, failed or refused',
      );
    table
      .boolean('in_flight')
      .nullable()
      .comment('true while in flight, NULL once ended: the lock');
    table.boolean('automatic').notNullable().defaultTo(false);
    table.boolean('rollback').notNullable().defaultTo(false);
    table.text('reason').nullable();
    table.string('requested_by', 255).notNullable();
    table
      .string('trigger_event_id', 200)
      .nullable()
      .unique({ indexName: 'shiplog_promotions_trigger_uq' })
      .comment(
        'For auto-promotions: the ledger deploy event that triggered it, so one event triggers at most one',
      );
    table
      .text('timeline')
      .notNullable()
      .comment('JSON: [{ state, at }] in order');
    table.text('guards').notNullable().comment('JSON: the guard verdicts');
    table.string('executor', 50).nullable();
    table.string('change_kind', 20).nullable();
    table.boolean('auto_merge').nullable();
    table.text('repository').nullable();
    table.text('path').nullable();
    table.string('key_path', 255).nullable();
    table.string('previous_value', 256).nullable();
    table.text('change_url').nullable();
    table.integer('change_number').nullable();
    table.string('change_branch', 255).nullable();
    table.string('commit_sha', 64).nullable();
    table.string('deploy_status', 20).nullable();
    table.bigInteger('deploy_at').nullable();
    table.text('deploy_run_url').nullable();
    table.text('error').nullable();
    table.bigInteger('requested_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table
      .bigInteger('checked_at')
      .nullable()
      .comment('When the pull request was last asked about');
    table.unique(['entity_ref', 'environment', 'in_flight'], {
      indexName: 'shiplog_promotions_in_flight_uq',
    });
    table.index(
      ['entity_ref', 'requested_at', 'id'],
      'shiplog_promotions_history_idx',
    );
    table.index(['in_flight'], 'shiplog_promotions_in_flight_idx');
  });

  // Auto-promotion looks for deployments that just succeeded. A partial index keeps that look-up to
  // the few events concerned, without slowing down the ingestion of all the others.
  await knex.raw(
    `CREATE INDEX shiplog_events_deploy_succeeded_idx ON shiplog_events (received_at) WHERE type = 'deploy' AND status = 'succeeded'`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX shiplog_events_deploy_succeeded_idx');
  await knex.schema.dropTable('shiplog_promotions');
};
