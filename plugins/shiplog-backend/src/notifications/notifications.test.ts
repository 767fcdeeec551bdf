import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { SlackSimulator } from '@shiplog/slack-simulator';
import { Knex } from 'knex';
import { DEFAULT_ENVIRONMENT_POLICY } from '../config/environmentPolicy';
import { LedgerStore } from '../database/LedgerStore';
import { migrationsDir } from '../database/migrations';
import { LedgerService } from '../ledger/LedgerService';
import { EntityDirectory } from './EntityDirectory';
import { LedgerReleaseViews } from './LedgerReleaseViews';
import { DatabaseOutboxStore } from './outbox/DatabaseOutboxStore';
import { outboxEntriesFor } from './outbox/outboxEntries';
import { SlackApi } from './slack/SlackApi';
import { SlackDeliverer } from './slack/SlackDeliverer';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ENTITY_REF = 'component:default/checkout';
const SHA = 'a'.repeat(40);
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'shiplog.dev/slack-channel': '#checkout-releases',
      'github.com/project-slug': 'acme/checkout',
    },
  },
  spec: { owner: 'team-a' },
};

const event = (input: Omit<ReleaseEventInput, 'entityRef'>) =>
  releaseEventInputSchema.parse({
    entityRef: ENTITY_REF,
    occurredAt: new Date().toISOString(),
    ...input,
  });

describe.each(databases.eachSupportedId())(
  'Notifications from the ledger on %p',
  (databaseId: TestDatabaseId) => {
    let knex: Knex;
    let ledgerStore: LedgerStore;
    let outbox: DatabaseOutboxStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      ledgerStore = new LedgerStore(knex);
      outbox = new DatabaseOutboxStore(knex);
      ledgerStore.addIngestHook({
        withinTransaction: (trx, fresh, { receivedAt, versionOf }) =>
          outbox.enqueue(
            trx,
            outboxEntriesFor(fresh, receivedAt, versionOf),
            receivedAt,
          ),
      });
    });

    it("writes a batch's messages with its events, the release resolved, and a duplicate batch writes none", async () => {
      const batch = [
        event({
          id: 'b1',
          type: 'build',
          status: 'succeeded',
          version: '1.4.0',
          commitSha: SHA,
        }),
        event({
          id: 'd1',
          type: 'deploy',
          status: 'started',
          commitSha: SHA,
          environment: 'dev',
        }),
      ];
      await ledgerStore.ingest(batch);
      await ledgerStore.ingest(batch);
      const rows = await knex('shiplog_notification_outbox').orderBy('id');
      expect(rows.map(r => [r.event_id, r.kind, r.version])).toEqual([
        ['b1', 'build', '1.4.0'],
        ['d1', 'deploy', '1.4.0'],
      ]);
    });

    it('writes no message when the batch rolls back', async () => {
      ledgerStore.addIngestHook({
        withinTransaction: async () => {
          throw new Error('projection failed');
        },
      });
      await expect(
        ledgerStore.ingest([
          event({
            id: 'b1',
            type: 'build',
            status: 'started',
            version: '1.4.0',
          }),
        ]),
      ).rejects.toThrow('projection failed');
      expect(await knex('shiplog_notification_outbox')).toEqual([]);
      expect(await knex('shiplog_events')).toEqual([]);
    });

    it('posts the release to Slack as the ledger shows it: image, commits with PRs and labels, a chip per environment', async () => {
      const simulator = new SlackSimulator({ tokens: ['xoxb-test'] });
      const apiUrl = `${await simulator.start()}/api/`;
      try {
        await ledgerStore.ingest([
          event({
            id: 'b1',
            type: 'build',
            status: 'succeeded',
            version: '1.4.0',
            commitSha: SHA,
            runUrl: 'https://ci.example/runs/1',
            commits: [
              {
                sha: SHA,
                message: 'Pay by invoice',
                author: 'jane',
                pullRequest: {
                  number: 42,
                  labels: ['no-deploy-to-prod', 'feature'],
                },
              },
            ],
          }),
          event({
            id: 'p1',
            type: 'publish',
            status: 'succeeded',
            version: '1.4.0',
            image: {
              repository: 'ghcr.io/acme/checkout',
              tag: '1.4.0',
              digest: `sha256:${'b'.repeat(64)}`,
            },
          }),
          event({
            id: 'd1',
            type: 'deploy',
            status: 'succeeded',
            version: '1.4.0',
            environment: 'dev',
          }),
        ]);
        const catalog = {
          getEntityByRef: async () => entity,
        } as unknown as ConstructorParameters<
          typeof EntityDirectory
        >[0]['catalog'];
        const directory = new EntityDirectory({
          catalog,
          auth: mockServices.auth(),
          appBaseUrl: 'http://backstage.test',
        });
        const ledger = new LedgerService(ledgerStore.stores, [
          { ...DEFAULT_ENVIRONMENT_POLICY, name: 'dev' },
          { ...DEFAULT_ENVIRONMENT_POLICY, name: 'prod' },
        ]);
        const deliverer = new SlackDeliverer({
          store: outbox,
          slack: new SlackApi({ token: 'xoxb-test', apiUrl }),
          channels: directory,
          releases: new LedgerReleaseViews({
            ledger,
            directory,
            logger: mockServices.logger.mock(),
          }),
          logger: mockServices.logger.mock(),
        });
        expect(await deliverer.deliverDue()).toMatchObject({ sent: 3 });

        const [channel] = simulator.workspace.list();
        expect(channel.name).toBe('checkout-releases');
        const [parent, ...replies] = channel.messages;
        const blocks = JSON.stringify(parent.blocks);
        expect(parent.text).toBe(
          'checkout 1.4.0: dev running, prod not deployed',
        );
        expect(blocks).toContain('ghcr.io/acme/checkout:1.4.0');
        expect(blocks).toContain('sha256:bbbbbbbbbbbb');
        expect(blocks).toContain(
          '<https://github.com/acme/checkout/pull/42|#42> Pay by invoice',
        );
        expect(blocks).toContain('⛔ *no-deploy-to-prod*');
        expect(blocks).toContain(
          'http://backstage.test/catalog/default/component/checkout/deployments',
        );
        expect(replies.map(r => r.text)).toEqual([
          '✅ Build succeeded',
          '📦 Published ghcr.io/acme/checkout:1.4.0 sha256:bbbbbbbbbbbb',
          '✅ Running in dev',
        ]);
        expect(replies.every(r => r.thread_ts === parent.ts)).toBe(true);
      } finally {
        await simulator.stop();
      }
    });
  },
);
