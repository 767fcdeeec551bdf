import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { ShiplogDatabase } from '../database/ShiplogDatabase';
import { computeDora } from './dora';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const A = 'component:default/checkout';
const B = 'component:default/cart';
const OTHER = 'component:default/elsewhere';
const HOUR = 3600;
const DAY = 24 * HOUR;
const sha = (n: number) => n.toString(16).padStart(40, 'c');
/** January 2026, UTC; the 5th and the 12th are Mondays. */
const jan = (day: number, hour = 0) =>
  new Date(Date.UTC(2026, 0, day, hour)).toISOString();
const ms = (iso: string) => Date.parse(iso);

let seq = 0;
const event = (fields: Record<string, unknown>) =>
  releaseEventInputSchema.parse({
    id: `e${++seq}`,
    entityRef: A,
    status: 'succeeded',
    ...fields,
  });
const release = (
  version: string,
  commitSha: string,
  occurredAt: string,
  commits: Array<Record<string, unknown>>,
  entityRef = A,
) =>
  event({
    type: 'release',
    version,
    commitSha,
    occurredAt,
    commits,
    entityRef,
  });
const deploy = (
  version: string,
  occurredAt: string,
  status = 'succeeded',
  environment = 'prod',
  entityRef = A,
) =>
  event({
    type: 'deploy',
    version,
    occurredAt,
    status,
    environment,
    entityRef,
  });

/**
 * One component's production history with known answers (window: Monday 5 to Monday 19 January):
 * a commit with and one without a timestamp, a failure and its fix, a hotfix rolled back by the next
 * deployment, a failure fixed after the window, and deployments elsewhere that must not count.
 */
const HISTORY = [
  release('1.0.0', sha(1), jan(4, 12), [{ sha: sha(1), timestamp: jan(4) }]),
  deploy('1.0.0', jan(5)), // #1 ok; c1 lead 1 day
  release('1.1.0', sha(2), jan(6), [{ sha: sha(2) }]), // no timestamp: lead starts here
  deploy('1.1.0', jan(6, 6), 'failed'), // #2 failed
  deploy('1.1.0', jan(6, 12)), // #3 ok; recovers #2 after 6 h; c2 lead 12 h
  release('1.2.0', sha(3), jan(7, 1), [
    {
      sha: sha(3),
      timestamp: jan(7),
      pullRequest: { number: 7, labels: ['Hotfix'] },
    },
  ]),
  deploy('1.2.0', jan(7, 2)), // #4 ok, hotfix, rolled back by #5; c3 lead 2 h
  deploy('1.1.0', jan(7, 3)), // #5 rollback: recovers #4 after 1 h
  deploy('1.2.0', jan(8), 'succeeded', 'dev'), // another environment
  release('1.3.0', sha(5), jan(12, 6), [
    { sha: sha(4), timestamp: jan(11) },
    { sha: sha(5), timestamp: jan(12) },
  ]),
  deploy('1.3.0', jan(13)), // #6 ok; c4 lead 2 days, c5 lead 1 day
  release('1.4.0', sha(6), jan(17), [{ sha: sha(6), timestamp: jan(17) }]),
  deploy('1.4.0', jan(18), 'failed'), // #7 failed; recovered by #8 after 2 days
  deploy('1.4.0', jan(20)), // #8 after the window
  release('9.0.0', sha(9), jan(6), [{ sha: sha(9) }], OTHER),
  deploy('9.0.0', jan(7), 'failed', 'prod', OTHER), // not covered
];

const WINDOW = {
  environment: 'prod',
  entityRefs: [A],
  from: ms(jan(5)),
  to: ms(jan(19)),
};

describe.each(databases.eachSupportedId())('DORA metrics on %p', databaseId => {
  let db: ShiplogDatabase;

  beforeEach(async () => {
    const knex = await databases.init(databaseId);
    db = await ShiplogDatabase.create({
      database: mockServices.database({ knex }),
    });
  });

  it('computes each metric of a hand-made history', async () => {
    // Reported one event at a time, as CI does.
    for (const e of HISTORY) await db.stores.events.ingest([e]);
    const dora = await computeDora(db.deliveryMetrics, WINDOW);
    expect(dora).toEqual({
      from: jan(5),
      to: jan(19),
      environment: 'prod',
      components: 1,
      deploymentFrequency: { deployments: 5, perDay: 5 / 14 },
      leadTime: { medianSeconds: DAY, samples: 5 },
      changeFailRate: { failed: 3, total: 7, ratio: 3 / 7 },
      recoveryTime: { medianSeconds: 6 * HOUR, samples: 3 },
      reworkRate: { unplanned: 2, total: 7, ratio: 2 / 7 },
      weekly: [
        {
          weekStart: jan(5),
          deployments: 4,
          leadTimeMedianSeconds: 12 * HOUR,
          changeFailRate: 2 / 5,
        },
        {
          weekStart: jan(12),
          deployments: 1,
          leadTimeMedianSeconds: 1.5 * DAY,
          changeFailRate: 1 / 2,
        },
      ],
    });
  });

  it('gives the same answer when the history arrives in one batch', async () => {
    await db.stores.events.ingest(HISTORY);
    const dora = await computeDora(db.deliveryMetrics, WINDOW);
    expect(dora.changeFailRate).toEqual({ failed: 3, total: 7, ratio: 3 / 7 });
    expect(dora.recoveryTime).toEqual({ medianSeconds: 6 * HOUR, samples: 3 });
    expect(dora.leadTime).toEqual({ medianSeconds: DAY, samples: 5 });
    expect(dora.reworkRate.unplanned).toBe(2);
  });

  it('answers an empty window with zero counts and null ratios and medians', async () => {
    await db.stores.events.ingest(HISTORY);
    const quiet = await computeDora(db.deliveryMetrics, {
      ...WINDOW,
      from: ms(jan(26)),
      to: ms(jan(30)),
    });
    expect(quiet).toMatchObject({
      deploymentFrequency: { deployments: 0, perDay: 0 },
      leadTime: { medianSeconds: null, samples: 0 },
      changeFailRate: { failed: 0, total: 0, ratio: null },
      recoveryTime: { medianSeconds: null, samples: 0 },
      reworkRate: { unplanned: 0, total: 0, ratio: null },
      weekly: [
        {
          weekStart: jan(26),
          deployments: 0,
          leadTimeMedianSeconds: null,
          changeFailRate: null,
        },
      ],
    });
    const nobody = await computeDora(db.deliveryMetrics, {
      ...WINDOW,
      entityRefs: [],
    });
    expect(nobody.changeFailRate.ratio).toBeNull();
    expect(nobody.components).toBe(0);
  });

  it('adds up several components, and a late report of an earlier deployment moves lead times back', async () => {
    await db.stores.events.ingest(HISTORY);
    await db.stores.events.ingest([
      release(
        '2.0.0',
        sha(20),
        jan(8),
        [{ sha: sha(20), timestamp: jan(8) }],
        B,
      ),
      deploy('2.0.0', jan(10), 'succeeded', 'prod', B),
    ]);
    // Reported after the success above, but it finished first: the commit arrived then.
    await db.stores.events.ingest([
      deploy('2.0.0', jan(9), 'succeeded', 'prod', B),
    ]);
    const both = await computeDora(db.deliveryMetrics, {
      ...WINDOW,
      entityRefs: [A, B],
    });
    expect(both.components).toBe(2);
    expect(both.deploymentFrequency.deployments).toBe(7);
    expect(both.changeFailRate).toEqual({ failed: 3, total: 9, ratio: 3 / 9 });
    // Leads: 2 h, 12 h, 1 day (c1, c5 and B's), 2 days.
    expect(both.leadTime).toEqual({ medianSeconds: DAY, samples: 6 });
    const onlyB = await computeDora(db.deliveryMetrics, {
      ...WINDOW,
      entityRefs: [B],
    });
    expect(onlyB.leadTime).toEqual({ medianSeconds: DAY, samples: 1 });
  });
});
