// @ts-check

/**
 * Race safety of the ledger with several backend replicas on one PostgreSQL.
 *
 * Ledger locks: one row per component; an ingest transaction locks the rows of the components it
 * writes (in a fixed order) before it reads commit positions, open deployments or the state per
 * environment, so two replicas folding events of one component take turns instead of interleaving.
 *
 * Commit positions become unique per component. Components whose positions collided in earlier races
 * are renumbered first, in their current order (ties by first-seen time, then sha).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_ledger_locks', table => {
    table.comment(
      'One row per component: ingest transactions lock it before folding its events',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.bigInteger('locked_at').notNullable();
  });

  const collided = knex('shiplog_commits')
    .select('entity_ref')
    .groupBy('entity_ref', 'position')
    .havingRaw('COUNT(*) > 1');
  await knex.raw(
    `UPDATE shiplog_commits SET position = ranked.rn
       FROM (
         SELECT entity_ref, sha, ROW_NUMBER() OVER (
           PARTITION BY entity_ref ORDER BY position, committed_at, sha
         ) AS rn
         FROM shiplog_commits WHERE entity_ref IN (${collided.toQuery()})
       ) AS ranked
     WHERE shiplog_commits.entity_ref = ranked.entity_ref
       AND shiplog_commits.sha = ranked.sha`,
  );

  await knex.schema.alterTable('shiplog_commits', table => {
    table.dropIndex(['entity_ref', 'position'], 'shiplog_commits_position_idx');
    table.unique(['entity_ref', 'position'], {
      indexName: 'shiplog_commits_position_unique',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('shiplog_commits', table => {
    table.dropUnique(
      ['entity_ref', 'position'],
      'shiplog_commits_position_unique',
    );
    table.index(['entity_ref', 'position'], 'shiplog_commits_position_idx');
  });
  await knex.schema.dropTable('shiplog_ledger_locks');
};
