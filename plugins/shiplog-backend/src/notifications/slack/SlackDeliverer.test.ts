import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { SlackSimulator, type SlackMessage } from '@shiplog/slack-simulator';
import type { Release } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { migrationsDir } from '../../database/migrations';
import {
  DatabaseOutboxStore,
  DEFAULT_LEASE_MS,
} from '../outbox/DatabaseOutboxStore';
import type { OutboxEntry } from '../outbox/types';
import { SlackApi } from './SlackApi';
import { SlackDeliverer } from './SlackDeliverer';
import type { ReleaseViewSource } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const TOKEN = 'xoxb-test';
const CHECKOUT = 'component:default/checkout';

/** The ledger as the messages see it: releases by entity and version, with deployments per environment. */
const releases = new Map<string, Release>();
const releaseSource: ReleaseViewSource = {
  async releaseView(entityRef, version) {
    const release = releases.get(`${entityRef}@${version}`) ?? {
      version,
      firstSeenAt: '2026-12-01T00:00:00Z',
      stages: {},
      deployments: {},
      commits: [],
      commitCount: 0,
    };
    return {
      entityRef,
      title: entityRef.split('/')[1],
      release,
      environments: ['dev', 'prod'],
      links: {
        deploymentsTab: `http://backstage.test/catalog/default/component/${
          entityRef.split('/')[1]
        }/deployments`,
      },
    };
  },
  async links() {
    return {};
  },
};

function stage(i: number, extra: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    eventId: `e${i}`,
    entityRef: CHECKOUT,
    kind: 'deploy',
    status: 'started',
    version: '1.0.0',
    environment: 'dev',
    payload: { actor: 'user:default/jane' },
    ...extra,
  };
}

describe.each(databases.eachSupportedId())(
  'SlackDeliverer on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let store: DatabaseOutboxStore;
    let simulator: SlackSimulator;
    let apiUrl: string;
    let clock: number;

    const deliverer = (
      extra: Partial<ConstructorParameters<typeof SlackDeliverer>[0]> = {},
    ) =>
      new SlackDeliverer({
        store,
        slack: new SlackApi({ token: TOKEN, apiUrl }),
        channels: {
          channelFor: async ref =>
            ref.includes('quiet') ? undefined : '#deploys',
        },
        releases: releaseSource,
        logger: mockServices.logger.mock(),
        now: () => clock,
        ...extra,
      });

    const enqueue = (entries: OutboxEntry[]) =>
      store.enqueue(knex, entries, clock);
    const messages = (): SlackMessage[] =>
      simulator.workspace.list().flatMap(c => c.messages);
    const parents = () =>
      messages().filter(m => !m.thread_ts || m.thread_ts === m.ts);
    const replies = () =>
      messages().filter(m => m.thread_ts && m.thread_ts !== m.ts);
    const replyIds = () =>
      replies().map(m => Number(m.metadata?.event_payload.outbox_id));

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      store = new DatabaseOutboxStore(knex);
      simulator = new SlackSimulator({ tokens: [TOKEN] });
      apiUrl = `${await simulator.start()}/api/`;
      clock = Date.parse('2026-12-03T12:00:00Z');
      releases.clear();
    });

    afterEach(async () => {
      await simulator.stop();
    });

    it('posts one parent per release and each stage event as a reply in its thread, in order', async () => {
      await enqueue([
        stage(1, { kind: 'build', status: 'started', environment: undefined }),
        stage(2, {
          kind: 'build',
          status: 'succeeded',
          environment: undefined,
        }),
        stage(3),
        stage(4, { version: '1.1.0' }),
        stage(5, { status: 'succeeded' }),
      ]);
      const pass = await deliverer().deliverDue();

      expect(pass).toEqual({ claimed: 5, sent: 5, skipped: 0, failed: 0 });
      expect(parents().map(m => m.metadata?.event_payload.release)).toEqual([
        `${CHECKOUT}@1.0.0`,
        `${CHECKOUT}@1.1.0`,
      ]);
      const [first, second] = parents();
      expect(first.reply_count).toBe(4);
      expect(second.reply_count).toBe(1);
      expect(
        replies()
          .filter(m => m.thread_ts === first.ts)
          .map(m => m.text),
      ).toEqual(
        [
          'Build started',
          'Build succeeded',
          'Deploying to dev by user:default/jane',
          'Running in dev',
        ].map(text => expect.stringContaining(text)),
      );
      expect(simulator.calls).toEqual({ 'chat.postMessage': 7 });
      expect(await deliverer().deliverDue()).toEqual({
        claimed: 0,
        sent: 0,
        skipped: 0,
        failed: 0,
      });
    });

    it('updates the parent in place, at most once per interval however many events arrive', async () => {
      const slack = deliverer();
      await enqueue([stage(0)]);
      await slack.deliverDue();
      const [parent] = parents();
      expect(parent.text).toContain('dev not deployed');

      releases.set(`${CHECKOUT}@1.0.0`, {
        ...(await releaseSource.releaseView(CHECKOUT, '1.0.0'))!.release,
        deployments: {
          dev: {
            status: 'succeeded',
            at: '2026-12-03T12:00:01Z',
            deploymentId: 'd1',
          },
        },
      });
      await enqueue(
        Array.from({ length: 30 }, (_, i) =>
          stage(i + 1, { status: i % 2 ? 'succeeded' : 'started' }),
        ),
      );
      await slack.deliverDue();
      expect(await slack.updateParents()).toBe(0);

      clock += 5_000;
      expect(await slack.updateParents()).toBe(1);
      expect(await slack.updateParents()).toBe(0);
      clock += 60_000;
      expect(await slack.updateParents()).toBe(0);

      expect(parents()).toHaveLength(1);
      expect(parents()[0].ts).toBe(parent.ts);
      expect(parents()[0].edited).toBeDefined();
      expect(parents()[0].text).toContain('dev running');
      expect(replies()).toHaveLength(31);
      expect(simulator.calls['chat.update']).toBe(1);
    });

    it("honours Slack's 429 Retry-After, then delivers everything once", async () => {
      const slack = deliverer();
      await enqueue([stage(1), stage(2), stage(3)]);
      await slack.deliverDue();
      simulator.rateLimit({
        method: 'chat.postMessage',
        calls: 1,
        retryAfterSeconds: 30,
      });
      await enqueue([stage(4), stage(5)]);

      expect(await slack.deliverDue()).toMatchObject({
        claimed: 2,
        sent: 0,
        stopped: 'rate-limited',
      });
      clock += 29_000;
      expect(await slack.deliverDue()).toMatchObject({
        claimed: 0,
        stopped: 'rate-limited',
      });
      expect(await deliverer().deliverDue()).toMatchObject({ claimed: 0 });
      expect(simulator.calls['chat.postMessage']).toBe(5);

      clock += 1_000;
      expect(await slack.deliverDue()).toEqual({
        claimed: 2,
        sent: 2,
        skipped: 0,
        failed: 0,
      });
      expect(replyIds().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    });

    it('loses and doubles nothing when a deliverer dies between sending and marking', async () => {
      await enqueue(Array.from({ length: 6 }, (_, i) => stage(i + 1)));
      // The first deliverer "dies" (hangs forever) right after Slack accepted its third reply.
      let marks = 0;
      const dying = Object.create(store) as DatabaseOutboxStore;
      dying.markDelivered = async (...args) => {
        if (++marks === 3) return new Promise<void>(() => {});
        return store.markDelivered(...args);
      };
      void deliverer({ store: dying, owner: 'dead' }).deliverDue();
      await waitFor(() => replies().length === 3);

      const survivor = deliverer({ owner: 'alive' });
      expect(await survivor.deliverDue()).toMatchObject({ claimed: 0 });
      clock += DEFAULT_LEASE_MS + 1;
      expect(await survivor.deliverDue()).toEqual({
        claimed: 4,
        sent: 4,
        skipped: 0,
        failed: 0,
      });

      expect(parents()).toHaveLength(1);
      expect(replyIds()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(simulator.calls['conversations.replies']).toBe(1);
    });

    it('finds a parent posted just before a crash instead of posting it again', async () => {
      await enqueue([stage(1), stage(2)]);
      const dying = Object.create(store) as DatabaseOutboxStore;
      dying.setParent = () => new Promise<void>(() => {});
      void deliverer({ store: dying, owner: 'dead' }).deliverDue();
      await waitFor(() => parents().length === 1);

      clock += DEFAULT_LEASE_MS + 1;
      expect(await deliverer().deliverDue()).toMatchObject({ sent: 2 });
      expect(parents()).toHaveLength(1);
      expect(replyIds()).toEqual([1, 2]);
      expect(replies().every(m => m.thread_ts === parents()[0].ts)).toBe(true);
    });

    it('gives two racing deliverers each row once, in order per thread', async () => {
      const entities = ['a', 'b', 'c', 'd', 'e'].map(
        n => `component:default/${n}`,
      );
      let n = 0;
      const entries: OutboxEntry[] = [];
      for (let i = 0; i < 20; i++) {
        for (const entityRef of entities) {
          n += 1;
          entries.push(
            stage(n, { entityRef, version: i < 10 ? '1.0.0' : '1.1.0' }),
          );
        }
      }
      await enqueue(entries);
      const racers = [
        deliverer({ owner: 'a', batchSize: 7 }),
        deliverer({ owner: 'b', batchSize: 7 }),
      ];
      for (
        let round = 0;
        round < 100 && (await store.backlog(clock)).pending > 0;
        round++
      ) {
        await Promise.all(racers.map(r => r.deliverDue()));
      }

      expect((await store.backlog(clock)).pending).toBe(0);
      expect(parents()).toHaveLength(10);
      expect(replyIds().sort((a, b) => a - b)).toEqual(
        entries.map((_, i) => i + 1),
      );
      for (const parent of parents()) {
        const ids = replies()
          .filter(m => m.thread_ts === parent.ts)
          .map(m => Number(m.metadata?.event_payload.outbox_id));
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      }
    });

    it('skips environments that do not post and entities without a channel, but keeps their chips current', async () => {
      const slack = deliverer({ environments: ['prod'] });
      await enqueue([
        stage(1, { environment: 'dev' }),
        stage(2, { environment: 'prod' }),
        stage(3, { environment: 'dev', status: 'succeeded' }),
        stage(4, { entityRef: 'component:default/quiet', environment: 'prod' }),
      ]);
      expect(await slack.deliverDue()).toEqual({
        claimed: 4,
        sent: 1,
        skipped: 3,
        failed: 0,
      });
      expect(parents()).toHaveLength(1);
      expect(replyIds()).toEqual([2]);
      clock += 5_000;
      expect(await slack.updateParents()).toBe(1);
    });

    it('marks a message Slack refuses for good as failed and goes on', async () => {
      const slack = deliverer({
        channels: { channelFor: async () => 'C0000000099' },
      });
      await enqueue([stage(1)]);
      expect(await slack.deliverDue()).toEqual({
        claimed: 1,
        sent: 0,
        skipped: 0,
        failed: 1,
      });
      const [row] = await knex('shiplog_notification_outbox');
      expect(row).toMatchObject({
        outcome: 'failed',
        last_error: 'Slack refused: channel_not_found',
      });
    });

    it('stops at once, keeping every row, when Slack refuses the token', async () => {
      const slack = new SlackDeliverer({
        store,
        slack: new SlackApi({ token: 'xoxb-wrong', apiUrl }),
        channels: { channelFor: async () => '#deploys' },
        releases: releaseSource,
        logger: mockServices.logger.mock(),
        now: () => clock,
      });
      await enqueue([stage(1), stage(2)]);
      expect(await slack.deliverDue()).toMatchObject({
        sent: 0,
        stopped: 'unauthorized',
      });
      expect((await store.backlog(clock)).pending).toBe(2);
    });
  },
);

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise(r => setTimeout(r, 25));
  }
  if (!condition()) throw new Error('condition not met');
}
