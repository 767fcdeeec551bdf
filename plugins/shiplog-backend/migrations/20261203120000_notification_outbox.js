// @ts-check

/**
 * Notifications: a durable outbox of Slack messages to send, written in the same transaction as the
 * ledger events that cause them, and the Slack thread of each release per channel.
 *
 * Delivery is claim → send → mark: a row is leased (claimed_by, claimed_until) before it is sent and
 * marked delivered after, so a crash loses nothing (the lease runs out and another run takes the row).
 * send_started_at marks a send that may have reached Slack: before sending such a row again, the
 * deliverer looks for the message in the thread (its metadata carries the row's id), so a crash
 * between send and mark doubles nothing. Times are epoch milliseconds (bigint), as in the ledger.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('shiplog_notification_outbox', table => {
    table.comment(
      'Slack messages to deliver, one per ledger event that causes one; delivered in id order per entity',
    );
    table.bigIncrements('id').primary();
    table
      .string('event_id', 200)
      .notNullable()
      .unique({ indexName: 'shiplog_notification_outbox_event_uq' })
      .comment(
        'The ledger event that caused the message: one message per event',
      );
    table.string('entity_ref', 255).notNullable();
    table
      .string('kind', 20)
      .notNullable()
      .comment(
        'build, publish, deploy, release, promotion, sync, rollback or hold',
      );
    table.string('status', 20).nullable();
    table.string('version', 128).nullable();
    table.string('commit_sha', 40).nullable();
    table.string('environment', 63).nullable();
    table
      .text('payload')
      .notNullable()
      .comment('JSON: what the reply says (actor, links, reason, error)');
    table.bigInteger('created_at').notNullable();
    table
      .bigInteger('available_at')
      .notNullable()
      .comment('Not tried before this time (backoff, Slack Retry-After)');
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('claimed_by', 64).nullable();
    table.bigInteger('claimed_until').nullable();
    table
      .bigInteger('send_started_at')
      .nullable()
      .comment(
        'A send began and may have reached Slack: look before sending again',
      );
    table.bigInteger('delivered_at').nullable();
    table
      .string('outcome', 20)
      .nullable()
      .comment(
        'sent, skipped (nothing to post) or failed (Slack refused for good)',
      );
    table.string('channel', 100).nullable();
    table.string('message_ts', 32).nullable();
    table.text('last_error').nullable();
    table.index(['delivered_at', 'id'], 'shiplog_notification_outbox_due_idx');
    table.index(
      ['entity_ref', 'delivered_at', 'id'],
      'shiplog_notification_outbox_entity_idx',
    );
  });

  await knex.schema.createTable('shiplog_notification_threads', table => {
    table.comment(
      'The Slack parent message of each release per channel: its ts, and whether it shows the latest state',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('version', 128).notNullable();
    table.string('channel', 100).notNullable();
    table
      .string('channel_id', 32)
      .nullable()
      .comment("Slack's ID of the channel, as chat.postMessage answered it");
    table
      .string('ts', 32)
      .nullable()
      .comment('The parent message; replies go into its thread');
    table
      .bigInteger('post_started_at')
      .nullable()
      .comment(
        'A parent post began and may have reached Slack: look before posting again',
      );
    table
      .integer('revision')
      .notNullable()
      .defaultTo(0)
      .comment('Bumped whenever something the parent shows changes');
    table
      .integer('rendered_revision')
      .notNullable()
      .defaultTo(0)
      .comment('The revision the parent message shows');
    table.bigInteger('updated_at').nullable().comment('Last chat.update');
    table.bigInteger('update_claimed_until').nullable();
    table.bigInteger('created_at').notNullable();
    table.primary(['entity_ref', 'version', 'channel']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('shiplog_notification_threads');
  await knex.schema.dropTable('shiplog_notification_outbox');
};
