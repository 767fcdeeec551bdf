import { DoraResponse } from '@shiplog/plugin-shiplog-common';
import { doraLevels } from './doraPerformance';

const HOUR = 3600;
const DAY = 24 * HOUR;

const dora = (fields: {
  perDay: number;
  lead: number | null;
  failRate: number | null;
  recovery: number | null;
  total?: number;
}): DoraResponse => ({
  from: '',
  to: '',
  environment: 'prod',
  components: 1,
  deploymentFrequency: { deployments: 1, perDay: fields.perDay },
  leadTime: { medianSeconds: fields.lead, samples: 1 },
  changeFailRate: {
    failed: 0,
    total: fields.total ?? 10,
    ratio: fields.failRate,
  },
  recoveryTime: { medianSeconds: fields.recovery, samples: 1 },
  reworkRate: { unplanned: 0, total: 10, ratio: 0 },
  weekly: [],
});

describe('doraLevels', () => {
  it("places each metric by the report's boundaries", () => {
    expect(
      doraLevels(
        dora({ perDay: 3, lead: 2 * HOUR, failRate: 0.05, recovery: 30 * 60 }),
      ),
    ).toEqual({
      deploymentFrequency: 'elite',
      leadTime: 'elite',
      changeFailRate: 'elite',
      recoveryTime: 'elite',
    });
    expect(
      doraLevels(
        dora({
          perDay: 1 / 7,
          lead: 3 * DAY,
          failRate: 0.1,
          recovery: 5 * HOUR,
        }),
      ),
    ).toEqual({
      deploymentFrequency: 'high',
      leadTime: 'high',
      changeFailRate: 'high',
      recoveryTime: 'high',
    });
    expect(
      doraLevels(
        dora({
          perDay: 1 / 20,
          lead: 20 * DAY,
          failRate: 0.15,
          recovery: 3 * DAY,
        }),
      ),
    ).toEqual({
      deploymentFrequency: 'medium',
      leadTime: 'medium',
      changeFailRate: 'medium',
      recoveryTime: 'medium',
    });
    expect(
      doraLevels(
        dora({
          perDay: 1 / 60,
          lead: 60 * DAY,
          failRate: 0.4,
          recovery: 30 * DAY,
        }),
      ),
    ).toEqual({
      deploymentFrequency: 'low',
      leadTime: 'low',
      changeFailRate: 'low',
      recoveryTime: 'low',
    });
  });

  it('judges nothing where nothing was measured', () => {
    expect(
      doraLevels(
        dora({
          perDay: 0,
          lead: null,
          failRate: null,
          recovery: null,
          total: 0,
        }),
      ),
    ).toEqual({
      deploymentFrequency: undefined,
      leadTime: undefined,
      changeFailRate: undefined,
      recoveryTime: undefined,
    });
  });
});
