// @ts-check

const DAY = 86400000;
const WEEK = 7 * DAY;
/** 1970-01-05, the first Monday after the epoch: weeks start on Mondays, 00:00 UTC. */
const FIRST_MONDAY = 4 * DAY;

/** @param {string} column @param {1 | 7} spanDays */
const bucketOf = (column, spanDays) =>
  spanDays === 1
    ? `((${column} / ${DAY}) * ${DAY})`
    : `(((${column} - ${FIRST_MONDAY}) / ${WEEK}) * ${WEEK} + ${FIRST_MONDAY})`;

/**
 * DORA's buckets: per (environment, component, day or week) the counts of finished deployments, the
 * recovery times of the failing ones that recovered and the lead times of the commits first
 * delivered, so that a group's metrics over a quarter read about components × weeks rows (days, and
 * the rows themselves, only at a window's ragged edges) instead of every deployment and commit.
 * Maintained on ingest (`projectDeliveryBuckets`); backfilled here from the delivery read models.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_delivery_buckets', table => {
    table.comment(
      'DORA facts per environment, component and day or week (span_days 1 or 7)',
    );
    table.string('environment', 63).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.integer('span_days').notNullable();
    table
      .bigInteger('bucket_start')
      .notNullable()
      .comment('00:00 UTC of the day, or of the Monday of the week');
    table.integer('total').notNullable().defaultTo(0);
    table.integer('succeeded').notNullable().defaultTo(0);
    table
      .integer('failing')
      .notNullable()
      .defaultTo(0)
      .comment('Failed, or rolled back by the next one');
    table
      .integer('rework')
      .notNullable()
      .defaultTo(0)
      .comment('Rollbacks and releases with a hotfix pull request');
    table
      .text('recoveries')
      .notNullable()
      .defaultTo('')
      .comment(
        'Comma-separated ms from each recovered failing finish to the next success',
      );
    table
      .text('lead_times')
      .notNullable()
      .defaultTo('')
      .comment('Comma-separated ms of each commit first delivered');
    table.primary(['environment', 'entity_ref', 'span_days', 'bucket_start']);
  });

  const isPostgres = String(knex.client.config.client).includes('pg');
  /** @param {string} value */
  const listOf = value =>
    isPostgres
      ? `string_agg(CAST(${value} AS TEXT), ',')`
      : `group_concat(${value}, ',')`;
  const failing = `(status = 'failed' OR rolled_back)`;
  for (const spanDays of /** @type {const} */ ([1, 7])) {
    const finished = bucketOf('finished_at', spanDays);
    await knex.raw(`
      INSERT INTO shiplog_delivery_buckets (environment, entity_ref, span_days, bucket_start,
        total, succeeded, failing, rework, recoveries, lead_times)
      SELECT environment, entity_ref, ${spanDays}, ${finished}, COUNT(*),
        SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END),
        SUM(CASE WHEN ${failing} THEN 1 ELSE 0 END),
        SUM(CASE WHEN was_rollback OR hotfix THEN 1 ELSE 0 END),
        COALESCE(${listOf(
          `CASE WHEN ${failing} AND recovered_at IS NOT NULL THEN recovered_at - finished_at END`,
        )}, ''), ''
      FROM shiplog_finished_deployments WHERE finished_at IS NOT NULL
      GROUP BY environment, entity_ref, ${finished}`);
    const deployed = bucketOf('deployed_at', spanDays);
    await knex.raw(`
      INSERT INTO shiplog_delivery_buckets (environment, entity_ref, span_days, bucket_start, lead_times)
      SELECT environment, entity_ref, ${spanDays}, ${deployed}, ${listOf(
      'deployed_at - started_at',
    )}
      FROM shiplog_commit_lead_times WHERE deployed_at IS NOT NULL
      GROUP BY environment, entity_ref, ${deployed}
      ON CONFLICT (environment, entity_ref, span_days, bucket_start)
      DO UPDATE SET lead_times = excluded.lead_times`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_delivery_buckets');
};
