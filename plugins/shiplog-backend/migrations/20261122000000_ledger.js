// @ts-check

/**
 * The release ledger: append-only events, and the read models derived from them in the same
 * transaction, so reads never scan history. Times are epoch milliseconds (bigint) so that SQLite
 * and PostgreSQL compare and sort them the same way.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_events', table => {
    table.comment(
      'Every release event ever accepted; immutable, idempotent on id',
    );
    table.string('id', 200).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('type', 20).notNullable();
    table.string('status', 20).nullable();
    table.string('version', 128).nullable();
    table.string('commit_sha', 40).nullable();
    table.string('environment', 63).nullable();
    table.text('run_url').nullable();
    table.string('actor', 200).nullable();
    table.string('source', 100).nullable();
    table.bigInteger('occurred_at').notNullable();
    table.bigInteger('received_at').notNullable();
    table
      .text('payload')
      .notNullable()
      .comment(
        'The event fields no column holds (image, commits, pull request), as JSON',
      );
    table.index(
      ['entity_ref', 'occurred_at'],
      'shiplog_events_entity_time_idx',
    );
  });

  await knex.schema.createTable('shiplog_releases', table => {
    table.comment(
      'One row per version of a component, with the latest status of each stage',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table
      .string('version_key', 512)
      .notNullable()
      .comment('Lexical order = release order');
    table.string('commit_sha', 40).nullable();
    table.bigInteger('first_seen_at').notNullable();
    for (const stage of ['build', 'publish', 'release']) {
      table.string(`${stage}_status`, 20).nullable();
      table.bigInteger(`${stage}_at`).nullable();
      table.text(`${stage}_run_url`).nullable();
    }
    table.string('image_repository', 255).nullable();
    table.string('image_tag', 128).nullable();
    table.string('image_digest', 71).nullable();
    table.primary(['entity_ref', 'version']);
    table.index(['entity_ref', 'version_key'], 'shiplog_releases_order_idx');
    table.index(['entity_ref', 'commit_sha'], 'shiplog_releases_commit_idx');
  });

  await knex.schema.createTable('shiplog_commits', table => {
    table.comment(
      'Commits of each component in default-branch order (position)',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('sha', 40).notNullable();
    table.bigInteger('position').notNullable();
    table.text('message').nullable();
    table.string('author', 200).nullable();
    table.integer('pr_number').nullable();
    table.bigInteger('committed_at').notNullable();
    table.primary(['entity_ref', 'sha']);
    table.index(['entity_ref', 'position'], 'shiplog_commits_position_idx');
  });

  await knex.schema.createTable('shiplog_pull_requests', table => {
    table.comment('Merged pull requests, with the labels promotions look at');
    table.string('entity_ref', 255).notNullable();
    table.integer('number').notNullable();
    table.text('title').nullable();
    table.text('labels').notNullable().defaultTo('[]');
    table.text('url').nullable();
    table.string('merge_commit_sha', 40).nullable();
    table.bigInteger('merged_at').nullable();
    table.primary(['entity_ref', 'number']);
  });

  await knex.schema.createTable('shiplog_deployments', table => {
    table.comment(
      'A release in an environment over time: in progress, then succeeded, failed or cancelled',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 128).notNullable();
    table.string('commit_sha', 40).nullable();
    table.string('status', 20).notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.bigInteger('updated_at').notNullable();
    table
      .bigInteger('sort_at')
      .notNullable()
      .comment('started_at, or finished_at when no start was reported');
    table.string('actor', 200).nullable();
    table.text('run_url').nullable();
    table.string('source', 100).nullable();
    table.boolean('rollback').notNullable().defaultTo(false);
    table.index(
      ['entity_ref', 'sort_at', 'id'],
      'shiplog_deployments_history_idx',
    );
    table.index(
      ['entity_ref', 'environment', 'sort_at', 'id'],
      'shiplog_deployments_env_history_idx',
    );
    table.index(['entity_ref', 'version'], 'shiplog_deployments_version_idx');
  });

  await knex.schema.createTable('shiplog_environment_state', table => {
    table.comment(
      'What runs in each environment now, so the matrix is a key lookup',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.bigInteger('current_deployment_id').nullable();
    table.bigInteger('current_at').nullable();
    table.bigInteger('attempt_deployment_id').nullable();
    table.bigInteger('attempt_at').nullable();
    table.primary(['entity_ref', 'environment']);
  });

  await knex.schema.createTable('shiplog_webhook_deliveries', table => {
    table.comment(
      'Webhook deliveries, kept until processed so none is lost and none counted twice',
    );
    table.string('delivery_id', 200).primary().notNullable();
    table.string('topic', 100).notNullable();
    table.text('payload').notNullable();
    table
      .string('status', 20)
      .notNullable()
      .comment('pending, processed, ignored or failed');
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.bigInteger('received_at').notNullable();
    table.bigInteger('next_attempt_at').nullable();
    table.index(
      ['status', 'next_attempt_at'],
      'shiplog_webhook_deliveries_retry_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'shiplog_webhook_deliveries',
    'shiplog_environment_state',
    'shiplog_deployments',
    'shiplog_pull_requests',
    'shiplog_commits',
    'shiplog_releases',
    'shiplog_events',
  ]) {
    await knex.schema.dropTable(name);
  }
};
