// @ts-check

/**
 * The promotion safety net.
 *
 * Holds: one row per held (entity, environment); while it exists, auto-promotion into that
 * environment stops. A rollback places one, a person releases it.
 *
 * Reviews: a promotion into an environment that requires approval, where no pull request can carry
 * the review, waits for an approver; the decision and who made it are kept with the promotion, as is
 * who cancelled one. Times are epoch milliseconds (bigint), as in the ledger.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_environment_holds', table => {
    table.comment('Held environments: auto-promotion into them stops');
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('held_by', 255).notNullable();
    table.text('reason').notNullable();
    table.bigInteger('held_at').notNullable();
    table
      .string('promotion_id', 36)
      .nullable()
      .comment('The rollback that placed the hold, if any');
    table.primary(['entity_ref', 'environment']);
  });
  await knex.schema.alterTable('shiplog_promotions', table => {
    table
      .string('review_decision', 20)
      .nullable()
      .comment('approved or rejected, for promotions that waited for approval');
    table.string('reviewed_by', 255).nullable();
    table.bigInteger('reviewed_at').nullable();
    table.text('review_comment').nullable();
    table.string('cancelled_by', 255).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('shiplog_promotions', table => {
    table.dropColumn('review_decision');
    table.dropColumn('reviewed_by');
    table.dropColumn('reviewed_at');
    table.dropColumn('review_comment');
    table.dropColumn('cancelled_by');
  });
  await knex.schema.dropTable('shiplog_environment_holds');
};
