// @ts-check

/**
 * Task cursors: where a scheduled task (promotion tracking, auto-promotion) stopped reading, kept in
 * the database rather than in one replica's memory, so a restart or the task moving to another
 * replica continues where it was instead of starting over.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_task_cursors', table => {
    table.comment('Cursors of scheduled tasks, one row per task');
    table.string('name', 100).primary().notNullable();
    table.text('value').notNullable().comment('JSON: the cursor of the task');
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_task_cursors');
};
