/**
 * A backend as far as release notifications go, in its own process so a test can kill -9 it: ingests a
 * burst of release events into the ledger on PostgreSQL (the outbox written in the same transactions)
 * while its Slack deliverer delivers, then delivers until the outbox is empty and exits 0.
 *
 * argv[2]: JSON `{ connection, apiUrl, token, releases, clockShiftMs }`. A restarted worker re-sends the
 * whole burst (a producer retries what it got no answer for) and sets its clock past the dead one's leases.
 */
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import knexFactory, { Knex } from 'knex';
import { LedgerStore } from '../../database/LedgerStore';
import { DatabaseOutboxStore } from '../outbox/DatabaseOutboxStore';
import { outboxEntriesFor } from '../outbox/outboxEntries';
import { SlackApi } from '../slack/SlackApi';
import { SlackDeliverer } from '../slack/SlackDeliverer';

interface BurstWorkerInput {
  connection: Knex.StaticConnectionConfig | string;
  apiUrl: string;
  token: string;
  releases: number;
  clockShiftMs: number;
}

/** Per release: build started and succeeded, deploy to dev started and succeeded. */
function burstEvents(releases: number, at: string) {
  return Array.from({ length: releases }, (_, r) =>
    [
      ['build', 'started', undefined],
      ['build', 'succeeded', undefined],
      ['deploy', 'started', 'dev'],
      ['deploy', 'succeeded', 'dev'],
    ].map(([type, status, environment], i) =>
      releaseEventInputSchema.parse({
        id: `burst-${r}-${i}`,
        entityRef: `component:default/svc-${r % 4}`,
        type,
        status,
        version: `1.${r}.0`,
        environment,
        occurredAt: at,
      }),
    ),
  ).flat();
}

const log = (text: string) => process.stdout.write(`${text}\n`);

async function main() {
  const input: BurstWorkerInput = JSON.parse(process.argv[2]);
  const knex = knexFactory({ client: 'pg', connection: input.connection });
  const ledger = new LedgerStore(knex);
  const outbox = new DatabaseOutboxStore(knex);
  ledger.addIngestHook({
    withinTransaction: (trx, fresh, { receivedAt, versionOf }) =>
      outbox.enqueue(
        trx,
        outboxEntriesFor(fresh, receivedAt, versionOf),
        receivedAt,
      ),
  });
  const now = () => Date.now() + input.clockShiftMs;
  const deliverer = new SlackDeliverer({
    store: outbox,
    slack: new SlackApi({ token: input.token, apiUrl: input.apiUrl }),
    channels: { channelFor: async () => '#deploys' },
    releases: {
      releaseView: async (entityRef, version) => ({
        entityRef,
        title: entityRef.split('/')[1],
        release: {
          version,
          firstSeenAt: new Date().toISOString(),
          stages: {},
          deployments: {},
          commits: [],
          commitCount: 0,
        },
        environments: ['dev'],
        links: {},
      }),
      links: async () => ({}),
    },
    logger: {
      info: () => undefined,
      warn: (message: string) => log(`warn ${message}`),
      error: (message: string) => log(`error ${message}`),
      debug: () => undefined,
      child() {
        return this;
      },
    },
    parentUpdateIntervalMs: 200,
    now,
  });
  let ingesting = true;
  const delivering = (async () => {
    while (ingesting) await deliverer.run(undefined, 1_000);
    await deliverer.run(undefined, 60_000);
  })();
  const events = burstEvents(input.releases, new Date().toISOString());
  for (let i = 0; i < events.length; i += 8) {
    await ledger.ingest(events.slice(i, i + 8));
    log(`ingested ${Math.min(i + 8, events.length)}`);
  }
  ingesting = false;
  await delivering;
  const [{ left }] = await knex('shiplog_notification_outbox')
    .whereNull('delivered_at')
    .count({ left: '*' });
  log(`done, ${left} undelivered`);
  await knex.destroy();
}

main().catch(error => {
  log(`failed ${error?.stack ?? error}`);
  process.exit(1);
});
