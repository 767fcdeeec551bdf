import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { ShiplogDatabase } from '../ShiplogDatabase';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const A = 'component:default/orders';
const B = 'component:default/billing';
const HOUR_MS = 3_600_000;
const sha = (n: number) => n.toString(16).padStart(40, 'e');
/** January 2026, UTC; the 5th, 12th and 19th are Mondays. */
const jan = (day: number, hour = 0, minute = 0) =>
  new Date(Date.UTC(2026, 0, day, hour, minute)).toISOString();
const ms = (iso: string) => Date.parse(iso);

let seq = 0;
const event = (fields: Record<string, unknown>) =>
  releaseEventInputSchema.parse({
    id: `s${++seq}`,
    status: 'succeeded',
    ...fields,
  });
/** A release of one commit written `hours` before the release. */
const release = (entityRef: string, n: number, at: string, hours: number) =>
  event({
    type: 'release',
    entityRef,
    version: `1.0.${n}`,
    commitSha: sha(n),
    occurredAt: at,
    commits: [
      {
        sha: sha(n),
        timestamp: new Date(ms(at) - hours * HOUR_MS).toISOString(),
      },
    ],
  });
const deploy = (
  entityRef: string,
  n: number,
  at: string,
  status = 'succeeded',
) =>
  event({
    type: 'deploy',
    entityRef,
    version: `1.0.${n}`,
    environment: 'prod',
    status,
    occurredAt: at,
  });

/**
 * Two components over three weeks, the lead times known to the hour: 2 and 6 h in the first week
 * (median 4 h, the mean of the two middle values), 3, 5 and 10 h in the second, 1 h in the third (4 h
 * over all six); failures recovered after 2 and 5 h (3.5 h).
 */
const HISTORY = [
  release(A, 1, jan(5, 8), 1),
  deploy(A, 1, jan(5, 9)), // lead 2 h
  release(B, 2, jan(7, 8), 5),
  deploy(B, 2, jan(7, 9)), // lead 6 h
  release(A, 3, jan(12, 8), 0),
  deploy(A, 3, jan(12, 9), 'failed'),
  deploy(A, 3, jan(12, 11)), // lead 3 h; recovers after 2 h
  release(B, 4, jan(13, 8), 4),
  deploy(B, 4, jan(13, 9)), // lead 5 h
  release(A, 5, jan(15, 20), 9),
  deploy(A, 5, jan(15, 21)), // lead 10 h
  deploy(B, 4, jan(19, 2), 'failed'),
  release(B, 6, jan(19, 6, 30), 0.5),
  deploy(B, 6, jan(19, 7)), // lead 1 h; recovers after 5 h
];

const HOURS = (n: number) => n * HOUR_MS;

describe.each(databases.eachSupportedId())(
  'the delivery summary on %p',
  databaseId => {
    let db: ShiplogDatabase;

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      db = await ShiplogDatabase.create({
        database: mockServices.database({ knex }),
      });
      for (const e of HISTORY) await db.stores.events.ingest([e]);
    });

    it('takes exact medians per week and over the window', async () => {
      const summary = await db.deliveryMetrics.summarize({
        environment: 'prod',
        entityRefs: [A, B],
        from: ms(jan(5)),
        to: ms(jan(26)),
      });
      expect(summary.leadTimes).toEqual({ median: HOURS(4), samples: 6 });
      expect(summary.recoveries).toEqual({ median: HOURS(3.5), samples: 2 });
      expect(summary.weeks.map(w => [w.leadTimeMedian, w.total])).toEqual([
        [HOURS(4), 2],
        [HOURS(5), 4],
        [HOURS(1), 2],
      ]);
      expect(summary.weeks.map(w => w.failing)).toEqual([0, 1, 1]);
    });

    it('reads ragged ends from the rows and whole days from day buckets', async () => {
      const summary = await db.deliveryMetrics.summarize({
        environment: 'prod',
        entityRefs: [A, B],
        from: ms(jan(5, 9, 30)),
        to: ms(jan(19, 6)),
      });
      expect(summary.leadTimes).toEqual({ median: HOURS(5.5), samples: 4 });
      expect(summary.recoveries).toEqual({ median: HOURS(3.5), samples: 2 });
      expect(
        summary.weeks.map(w => [w.leadTimeMedian, w.total, w.failing]),
      ).toEqual([
        [HOURS(6), 1, 0],
        [HOURS(5), 4, 1],
        [null, 1, 1],
      ]);
    });
  },
);
