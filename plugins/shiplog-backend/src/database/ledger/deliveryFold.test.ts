import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { ShiplogDatabase } from '../ShiplogDatabase';
import { TABLES } from '../tables';
import { LedgerEvent } from '../types';
import { foldInOrder } from './deliveryInOrder';
import { ingestEvents } from './ingest';

jest.mock('./deliveryInOrder', () => {
  const actual = jest.requireActual('./deliveryInOrder');
  return { ...actual, foldInOrder: jest.fn(actual.foldInOrder) };
});

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A small seeded generator (mulberry32), so every run folds the same histories. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5);

/**
 * Three components' releases (some with hotfix-labelled pull requests, some commits with git's
 * time) deployed to dev and prod: failures, retries, rollbacks, the same version again, two deploys
 * finishing at one instant. Returned in arrival order: mostly as they happened, some reported late.
 */
function history(seed: number, rollbackRate = 0.1): LedgerEvent[] {
  const next = random(seed);
  const events: Array<{ at: number; event: LedgerEvent }> = [];
  let id = 0;
  const add = (at: number, fields: Record<string, unknown>) =>
    events.push({
      at,
      event: releaseEventInputSchema.parse({
        id: `s${seed}-${++id}`,
        status: 'succeeded',
        occurredAt: new Date(at).toISOString(),
        ...fields,
      }),
    });
  for (const [n, name] of ['checkout', 'cart', 'search'].entries()) {
    const entityRef = `component:default/${name}`;
    let at = START + Math.floor(next() * 10) * HOUR;
    let commit = 0;
    for (let r = 1; r <= 14; r++) {
      const version = `1.${r}.0`;
      const count = 1 + Math.floor(next() * 3);
      const commits: Array<Record<string, unknown>> = [];
      for (let c = 0; c < count; c++) {
        commit += 1;
        commits.push({
          sha: `${n + 1}${commit.toString(16)}`.padEnd(40, 'a'),
          ...(next() < 0.5
            ? { timestamp: new Date(at - next() * 10 * HOUR).toISOString() }
            : {}),
          pullRequest: {
            number: commit,
            labels: next() < 0.15 ? ['Hotfix'] : ['feature'],
          },
        });
      }
      const head = commits[commits.length - 1].sha;
      add(at, {
        type: 'release',
        entityRef,
        version,
        commitSha: head,
        commits,
      });
      for (const environment of ['dev', 'prod']) {
        if (environment === 'prod' && next() < 0.4) continue;
        at += Math.floor(1 + next() * 5) * HOUR;
        const deploy = { type: 'deploy', entityRef, environment };
        add(at, { ...deploy, version, status: 'started' });
        const failed = next() < 0.25;
        add(at + HOUR / 2, {
          ...deploy,
          version,
          status: failed ? 'failed' : 'succeeded',
        });
        if (failed && next() < 0.6) {
          add(at + HOUR, { ...deploy, version });
        }
        if (next() < rollbackRate && r > 1) {
          add(at + 2 * HOUR, { ...deploy, version: `1.${r - 1}.0` });
        }
        if (next() < 0.1) {
          add(at + HOUR, { ...deploy, version });
          add(at + HOUR, { ...deploy, version, status: 'failed' });
        }
      }
      at += Math.floor(2 + next() * 20) * HOUR;
    }
  }
  events.sort((a, b) => a.at - b.at);
  // Some reports arrive a few places late.
  for (let i = events.length - 1; i > 0; i--) {
    if (next() < 0.08) {
      const to = Math.min(events.length - 1, i + 1 + Math.floor(next() * 6));
      const [moved] = events.splice(i, 1);
      events.splice(to, 0, moved);
    }
  }
  return events.map(({ event }) => event);
}

/** A column's value as plain JS: numbers, booleans as 0/1, a bucket's lists as sorted multisets. */
function plain(key: string, value: unknown): unknown {
  if (value === null || typeof value === 'boolean') {
    return value === null ? null : Number(value);
  }
  if (key === 'lead_times' || key === 'recoveries') {
    // The order within a list is the aggregate's, which neither database promises.
    return String(value)
      .split(',')
      .filter(Boolean)
      .map(Number)
      .sort((a, b) => a - b);
  }
  return /^(status|entity_ref|environment|version|sha)$/.test(key)
    ? value
    : Number(value);
}

/** Every delivery table, ordered, as plain values. */
async function deliveryTables(knex: Knex) {
  const dump = async (table: string, order: string[]) => {
    const rows: Array<Record<string, unknown>> = await knex(table)
      .orderBy(order)
      .select();
    return rows.map(row =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, plain(key, value)]),
      ),
    );
  };
  return {
    finished: await dump(TABLES.finishedDeployments, ['deployment_id']),
    leadTimes: await dump(TABLES.commitLeadTimes, [
      'entity_ref',
      'environment',
      'sha',
    ]),
    marks: await dump(TABLES.leadTimeMarks, ['entity_ref', 'environment']),
    buckets: await dump(TABLES.deliveryBuckets, [
      'environment',
      'entity_ref',
      'span_days',
      'bucket_start',
    ]),
  };
}

async function ingestInBatches(
  knex: Knex,
  events: LedgerEvent[],
  seed: number,
  deliveryFold: 'auto' | 'per-deployment',
) {
  const next = random(seed * 7 + 1);
  for (let i = 0; i < events.length; ) {
    const size = 1 + Math.floor(next() * 25);
    await ingestEvents(knex, events.slice(i, i + size), new Date(), [], {
      deliveryFold,
    });
    i += size;
  }
}

describe.each(databases.eachSupportedId())(
  'folding delivery facts on %p',
  databaseId => {
    async function freshDatabase() {
      const knex = await databases.init(databaseId);
      await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
      return knex;
    }

    it.each([
      [1, 0.1],
      [2, 0.1],
      [3, 0.1],
      [4, 0.1],
      [5, 0.5],
      [6, 0.5],
    ])(
      'writes the same facts in bulk as one deployment at a time (history %p, rollback rate %p)',
      async (seed, rollbackRate) => {
        const events = history(seed, rollbackRate);
        const perDeployment = await freshDatabase();
        await ingestInBatches(perDeployment, events, seed, 'per-deployment');
        jest.mocked(foldInOrder).mockClear();
        const auto = await freshDatabase();
        await ingestInBatches(auto, events, seed, 'auto');

        const groupsFoldedInOrder = jest
          .mocked(foldInOrder)
          .mock.calls.reduce((sum, call) => sum + call[1].length, 0);
        expect(groupsFoldedInOrder).toBeGreaterThan(10);
        const rollbacksFoldedInOrder = jest
          .mocked(foldInOrder)
          .mock.calls.flatMap(call => call[1].flatMap(group => group.rows))
          .filter(row => row.rollback).length;
        // Rollbacks are folded in bulk too (they mark and recover the deployment before them).
        expect(rollbacksFoldedInOrder).toBeGreaterThan(
          rollbackRate > 0.3 ? 5 : 0,
        );
        const expected = await deliveryTables(perDeployment);
        expect(expected.finished.length).toBeGreaterThan(40);
        expect(expected.leadTimes.length).toBeGreaterThan(20);
        expect(await deliveryTables(auto)).toEqual(expected);
      },
    );
  },
);
