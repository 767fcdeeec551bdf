import { TestDatabases } from '@backstage/backend-test-utils';
import { SlackSimulator, type SlackMessage } from '@shiplog/slack-simulator';
import { ChildProcess, spawn } from 'child_process';
import { Knex } from 'knex';
import { join } from 'path';
import { migrationsDir } from '../database/migrations';
import { DEFAULT_LEASE_MS } from './outbox/DatabaseOutboxStore';

jest.setTimeout(180_000);

// Only PostgreSQL: the claim these deliverers rely on across processes is its row locks.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const ids = databases.eachSupportedId();
const TOKEN = 'xoxb-burst';
const RELEASES = 60;
const EVENTS = RELEASES * 4;

/** Starts the burst worker (a backend's ingest and Slack delivery) in its own process. */
function startWorker(input: object) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(__dirname, '__testUtils__', 'burstWorker.ts'),
      JSON.stringify(input),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', chunk => {
    output += chunk;
  });
  child.stderr!.on('data', chunk => {
    output += chunk;
  });
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  return { child, exited, output: () => output };
}

async function waitFor(check: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise(r => setTimeout(r, 20));
  }
}

(ids.length ? describe.each(ids) : describe.skip.each([['POSTGRES_15']]))(
  'Release notifications across a kill -9 on %p',
  databaseId => {
    let knex: Knex;
    let simulator: SlackSimulator;
    let worker: ChildProcess | undefined;

    beforeEach(async () => {
      knex = await databases.init(databaseId as 'POSTGRES_15');
      await knex.migrate.latest({ directory: migrationsDir });
      simulator = new SlackSimulator({ tokens: [TOKEN] });
    });

    afterEach(async () => {
      worker?.kill('SIGKILL');
      await simulator.stop();
      await knex.destroy();
    });

    it('loses nothing and doubles nothing when the backend is killed mid-burst and restarted', async () => {
      const apiUrl = `${await simulator.start()}/api/`;
      const messages = (): SlackMessage[] =>
        simulator.workspace.list().flatMap(c => c.messages);
      const replies = () =>
        messages().filter(m => m.thread_ts && m.thread_ts !== m.ts);
      const input = {
        connection: knex.client.config.connection,
        apiUrl,
        token: TOKEN,
        releases: RELEASES,
        clockShiftMs: 0,
      };

      const first = startWorker(input);
      worker = first.child;
      // Killed while both ingest and delivery are under way.
      await waitFor(
        () => replies().length >= 20 || first.output().includes('done'),
        120_000,
        'first worker delivering',
      );
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      const before = replies().length;
      expect(before).toBeLessThan(EVENTS);
      expect(first.output()).not.toContain('done');

      // The restarted backend: the producer sends the whole burst again; the dead one's leases have run out.
      const second = startWorker({
        ...input,
        clockShiftMs: DEFAULT_LEASE_MS + 1_000,
      });
      worker = second.child;
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('done, 0 undelivered');

      const [{ count: events }] = await knex('shiplog_events').count({
        count: '*',
      });
      const [{ count: outbox }] = await knex(
        'shiplog_notification_outbox',
      ).count({ count: '*' });
      expect(Number(events)).toBe(EVENTS);
      expect(Number(outbox)).toBe(EVENTS);

      const parents = messages().filter(
        m => !m.thread_ts || m.thread_ts === m.ts,
      );
      expect(parents).toHaveLength(RELEASES);
      const replyIds = replies().map(m =>
        Number(m.metadata?.event_payload.outbox_id),
      );
      expect(replyIds).toHaveLength(EVENTS);
      expect(new Set(replyIds).size).toBe(EVENTS);
      // Every reply landed in its own release's thread.
      const threadOf = new Map(parents.map(p => [p.ts, p]));
      expect(replies().every(m => threadOf.has(m.thread_ts!))).toBe(true);
    });
  },
);
