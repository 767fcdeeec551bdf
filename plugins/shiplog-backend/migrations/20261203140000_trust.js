// @ts-check

/**
 * Locks of manual Argo CD syncs: one row per application while a sync Shiplog started is young, so two
 * requests (on one replica or two) cannot both start it; the second answers 409.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_argocd_sync_locks', table => {
    table.comment('Manual Argo CD syncs in flight, one row per application');
    table
      .string('lock_key', 400)
      .primary()
      .notNullable()
      .comment('instance/namespace/application');
    table.string('holder', 300).notNullable().comment('who started the sync');
    table.bigInteger('acquired_at').notNullable();
    table.bigInteger('expires_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_argocd_sync_locks');
};
