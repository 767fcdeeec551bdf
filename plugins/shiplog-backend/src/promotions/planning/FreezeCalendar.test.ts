import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { readFreezes } from '../../config/readFreezes';
import { FreezeCalendar } from './FreezeCalendar';

const calendar = (freezes: JsonObject[]) =>
  new FreezeCalendar(readFreezes(new ConfigReader({ shiplog: { freezes } })));
const at = (iso: string) => Date.parse(iso);

describe('FreezeCalendar', () => {
  it('knows a fixed window: in force inside it, announced within a week before, gone after', () => {
    const freezes = calendar([
      {
        name: 'year-end',
        environments: ['prod'],
        from: '2026-12-20T00:00:00Z',
        to: '2027-01-04T00:00:00+01:00',
      },
    ]);
    expect(freezes.freezeOf('prod', at('2026-12-24T12:00:00Z'))).toEqual({
      name: 'year-end',
      from: '2026-12-20T00:00:00.000Z',
      to: '2027-01-03T23:00:00.000Z',
      active: true,
    });
    expect(freezes.freezeOf('prod', at('2026-12-15T00:00:00Z'))).toMatchObject({
      active: false,
    });
    expect(
      freezes.freezeOf('prod', at('2026-12-01T00:00:00Z')),
    ).toBeUndefined();
    expect(
      freezes.freezeOf('prod', at('2027-01-05T00:00:00Z')),
    ).toBeUndefined();
    expect(
      freezes.freezeOf('stage', at('2026-12-24T12:00:00Z')),
    ).toBeUndefined();
  });

  it('follows a recurring window in its own time zone (Friday 16:00 in Berlin for 64 hours)', () => {
    const freezes = calendar([
      {
        name: 'weekend',
        environments: ['*'],
        cron: '0 16 * * 5',
        duration: { hours: 64 },
        timezone: 'Europe/Berlin',
      },
    ]);
    // Friday 2026-12-04 16:00 in Berlin is 15:00 UTC (winter time).
    expect(freezes.activeFreezeOf('prod', at('2026-12-04T15:30:00Z'))).toEqual({
      name: 'weekend',
      from: '2026-12-04T15:00:00.000Z',
      to: '2026-12-07T07:00:00.000Z',
      active: true,
    });
    expect(
      freezes.activeFreezeOf('dev', at('2026-12-06T23:00:00Z')),
    ).toBeDefined();
    expect(
      freezes.activeFreezeOf('prod', at('2026-12-04T14:59:00Z')),
    ).toBeUndefined();
    expect(
      freezes.activeFreezeOf('prod', at('2026-12-07T07:00:00Z')),
    ).toBeUndefined();
    expect(freezes.freezeOf('prod', at('2026-12-08T00:00:00Z'))).toMatchObject({
      from: '2026-12-11T15:00:00.000Z',
      active: false,
    });
  });

  it('refuses a bad window at start-up, naming the key', () => {
    expect(() =>
      calendar([
        {
          name: 'x',
          environments: ['prod'],
          cron: 'not cron',
          duration: { hours: 1 },
        },
      ]),
    ).toThrow('shiplog.freezes[0].cron "not cron" is not a cron expression');
    expect(() =>
      calendar([
        {
          name: 'x',
          environments: ['prod'],
          from: '2026-12-20',
          to: '2026-12-21T00:00:00Z',
        },
      ]),
    ).toThrow('shiplog.freezes[0].from "2026-12-20" must be an ISO 8601 time');
    expect(() =>
      calendar([
        {
          name: 'x',
          environments: ['prod'],
          from: '2026-12-21T00:00:00Z',
          to: '2026-12-20T00:00:00Z',
        },
      ]),
    ).toThrow('shiplog.freezes[0].to must be after');
    expect(() =>
      calendar([
        {
          name: 'x',
          environments: ['prod'],
          cron: '0 16 * * 5',
          duration: { hours: 1 },
          timezone: 'Mars/Olympus',
        },
      ]),
    ).toThrow(
      'shiplog.freezes[0].timezone "Mars/Olympus" is not a known time zone',
    );
  });
});
