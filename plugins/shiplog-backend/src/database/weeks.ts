/** Weekly series start on Mondays at 00:00 UTC, as ISO weeks do. */
import { Knex } from 'knex';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday after the epoch. */
export const FIRST_MONDAY_MS = 4 * DAY_MS;

/** The start of the week a time (epoch ms) falls in. */
export const weekStartOf = (ms: number) =>
  Math.floor((ms - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS;

/** The starts of every week [from, to) touches, so a quiet week shows as zero, not as a gap. */
export function weekStartsOf(from: number, to: number): number[] {
  const weeks: number[] = [];
  for (let week = weekStartOf(from); week < to; week += WEEK_MS) {
    weeks.push(week);
  }
  return weeks;
}

/** The k-th smallest value (0-based) of `values`, which it reorders: Hoare's selection, linear on average. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * The middle value (the mean of the two middle ones for an even count), as PostgreSQL's
 * percentile_cont. Selected, not sorted: a quarter's lead times of a large group are about a hundred
 * thousand.
 */
export function median(values: number[]): number | null {
  if (!values.length) {
    return null;
  }
  const copy = Float64Array.from(values);
  const middle = copy.length >>> 1;
  const upper = select(copy, middle);
  if (copy.length % 2) {
    return upper;
  }
  // After selecting, everything before `middle` is at most `upper`: the lower middle is their largest.
  let lower = copy[0];
  for (let i = 1; i < middle; i++) {
    if (copy[i] > lower) lower = copy[i];
  }
  return (lower + upper) / 2;
}

/** SQL for the bucket (a day or a week, in epoch ms) a time column falls in; integer division in both databases. */
export const bucketOf = (column: string, spanDays: 1 | 7) =>
  spanDays === 1
    ? `((${column} / ${DAY_MS}) * ${DAY_MS})`
    : `(((${column} - ${FIRST_MONDAY_MS}) / ${WEEK_MS}) * ${WEEK_MS} + ${FIRST_MONDAY_MS})`;

/** SQL aggregating values into one comma-separated list (NULLs left out), in either database. */
export const listOf = (db: Knex, value: string) =>
  String(db.client.config.client).includes('pg')
    ? `string_agg(CAST(${value} AS TEXT), ',')`
    : `group_concat(${value}, ',')`;
