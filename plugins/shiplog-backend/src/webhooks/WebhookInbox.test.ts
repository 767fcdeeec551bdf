import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { LedgerStore } from '../database/LedgerStore';
import { migrationsDir } from '../database/migrations';
import { WebhookDeliveryStore } from '../database/stores/WebhookDeliveryStore';
import {
  deliveryIdOf,
  MAX_ATTEMPTS,
  retryDelayMs,
  WebhookInbox,
} from './WebhookInbox';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const delivery = (id: string) => ({
  topic: 'harbor',
  eventPayload: { n: id },
  metadata: { 'x-shiplog-delivery': id },
});

const buildEvent = (id: string) => ({
  id,
  entityRef: 'component:default/x',
  type: 'build' as const,
  status: 'succeeded' as const,
  version: '1.0.0',
});

describe.each(databases.eachSupportedId())('WebhookInbox on %p', databaseId => {
  let knex: Knex;
  let store: LedgerStore;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    store = new LedgerStore(knex);
  });

  const status = async (id: string) =>
    knex('shiplog_webhook_deliveries')
      .where({ delivery_id: `harbor:${id}` })
      .first();

  it('keeps a delivery that fails to process and retries it after the backoff', async () => {
    let calls = 0;
    const inbox = new WebhookInbox(
      new WebhookDeliveryStore(knex),
      store,
      async (_topic, _payload, id) => {
        calls += 1;
        if (calls === 1) throw new Error('catalog unreachable');
        return { events: [buildEvent(id)] };
      },
      mockServices.logger.mock(),
    );

    await inbox.receive(delivery('d1'));
    expect(await status('d1')).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'catalog unreachable',
    });

    expect(await inbox.retryDue(Date.now())).toBe(0); // backoff not over yet
    expect(await inbox.retryDue(Date.now() + retryDelayMs(1) + 1)).toBe(1);
    expect(await status('d1')).toMatchObject({
      status: 'processed',
      attempts: 2,
    });
    expect(await knex('shiplog_events').select('id')).toEqual([
      { id: 'harbor:d1' },
    ]);
  });

  it('stops retrying after the last attempt but keeps the delivery', async () => {
    const inbox = new WebhookInbox(
      new WebhookDeliveryStore(knex),
      store,
      async () => {
        throw new Error('always broken');
      },
      mockServices.logger.mock(),
    );
    await inbox.receive(delivery('d2'));
    let now = Date.now();
    for (let attempt = 2; attempt <= MAX_ATTEMPTS + 2; attempt++) {
      now += retryDelayMs(attempt) + 1;
      await inbox.retryDue(now);
    }
    expect(await status('d2')).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      next_attempt_at: null,
    });
  });

  it('holds deliveries in memory while the database refuses them, then stores and processes them', async () => {
    const inbox = new WebhookInbox(
      new WebhookDeliveryStore(knex),
      store,
      async (_topic, _payload, id) => ({ events: [buildEvent(id)] }),
      mockServices.logger.mock(),
    );
    await knex.schema.renameTable(
      'shiplog_webhook_deliveries',
      'deliveries_away',
    );
    await inbox.receive(delivery('d3'));
    expect(inbox.heldInMemory).toBe(1);
    expect(await inbox.flushHeld()).toBe(0);
    await knex.schema.renameTable(
      'deliveries_away',
      'shiplog_webhook_deliveries',
    );
    expect(await inbox.flushHeld()).toBe(1);
    expect(inbox.heldInMemory).toBe(0);
    expect(await status('d3')).toMatchObject({ status: 'processed' });
  });

  it('ignores a redelivery of a processed delivery', async () => {
    const translate = jest.fn(
      async (_topic: string, _payload: unknown, id: string) => ({
        events: [buildEvent(id)],
      }),
    );
    const inbox = new WebhookInbox(
      new WebhookDeliveryStore(knex),
      store,
      translate,
      mockServices.logger.mock(),
    );
    await inbox.receive(delivery('d4'));
    await inbox.receive(delivery('d4'));
    expect(translate).toHaveBeenCalledTimes(1);
  });
});

describe('deliveryIdOf', () => {
  it("prefers the sender's delivery id and falls back to a digest of the body", () => {
    expect(
      deliveryIdOf({
        topic: 'github.push',
        eventPayload: {},
        metadata: { 'x-github-delivery': 'abc' },
      }),
    ).toBe('github:abc');
    const a = deliveryIdOf({ topic: 'harbor', eventPayload: { a: 1 } });
    expect(a).toMatch(/^harbor:sha256:[0-9a-f]{64}$/);
    expect(deliveryIdOf({ topic: 'harbor', eventPayload: { a: 1 } })).toBe(a);
    expect(deliveryIdOf({ topic: 'harbor', eventPayload: { a: 2 } })).not.toBe(
      a,
    );
  });
});
