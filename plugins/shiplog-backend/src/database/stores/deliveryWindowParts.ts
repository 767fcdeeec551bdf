import { Knex } from 'knex';
import { DAY_MS, WEEK_MS, weekStartOf } from '../weeks';
import { DeliveryWindow } from './types';

/** [from, to) in epoch ms. */
export type Range = [number, number];

/** Where a window's facts are read: week buckets, day buckets, and the rows themselves. */
export interface WindowParts {
  weeks: Range[];
  days: Range[];
  rows: Range[];
}

/**
 * A window cut where the buckets cover it: whole weeks read from week buckets, whole days around them
 * from day buckets, and the ragged ends (less than a day each) from the rows themselves.
 */
export function partsOf({
  from,
  to,
}: Pick<DeliveryWindow, 'from' | 'to'>): WindowParts {
  const dayFrom = Math.ceil(from / DAY_MS) * DAY_MS;
  const dayTo = Math.floor(to / DAY_MS) * DAY_MS;
  if (dayFrom >= dayTo) {
    return { weeks: [], days: [], rows: [[from, to]] };
  }
  const firstWeek = weekStartOf(dayFrom);
  let weekFrom = firstWeek === dayFrom ? firstWeek : firstWeek + WEEK_MS;
  let weekTo = weekStartOf(dayTo);
  if (weekFrom >= weekTo) {
    weekFrom = dayTo;
    weekTo = dayTo;
  }
  const nonEmpty = (ranges: Range[]) => ranges.filter(([a, b]) => a < b);
  return {
    weeks: nonEmpty([[weekFrom, weekTo]]),
    days: nonEmpty([
      [dayFrom, weekFrom],
      [weekTo, dayTo],
    ]),
    rows: nonEmpty([
      [from, dayFrom],
      [dayTo, to],
    ]),
  };
}

/** A query condition: the column lies in one of the ranges. */
export const inRanges =
  (column: string, ranges: Range[]) => (query: Knex.QueryBuilder) => {
    for (const [a, b] of ranges) {
      query.orWhere(q => q.where(column, '>=', a).where(column, '<', b));
    }
  };
