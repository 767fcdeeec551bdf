// @ts-check

/**
 * Argo CD snapshots: the last application list of each instance, written by the one replica that polls
 * and read by every replica, so page views never call Argo CD's list endpoint themselves.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_argocd_snapshots', table => {
    table.comment(
      'Last application list per Argo CD instance (fields-limited JSON)',
    );
    table.string('instance', 100).primary().notNullable();
    table
      .bigInteger('generation')
      .notNullable()
      .comment('Bumped on every write, so readers re-parse only on change');
    table.bigInteger('fetched_at').nullable();
    table.bigInteger('attempted_at').notNullable();
    table.text('error').nullable();
    table.text('applications').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_argocd_snapshots');
};
