import { DateTime } from 'luxon';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Luxon builds its formatting anew on every call (a fraction of a millisecond each), and a table
 * formats hundreds of times: one Intl formatter each, made once, gives the same words.
 */
let exactFormat: Intl.DateTimeFormat | undefined;
let relativeFormat: Intl.RelativeTimeFormat | undefined;

/**
 * The unit luxon's `toRelative` would pick, where it is plain from the milliseconds: under 22 hours
 * no calendar day has passed (a DST shift is one hour), and from 26 hours to 27 days whole days have
 * while no month has. Elsewhere undefined: luxon's calendar arithmetic decides.
 */
function relativeUnit(
  ms: number,
): 'seconds' | 'minutes' | 'hours' | 'days' | undefined {
  const span = Math.abs(ms);
  if (span < MINUTE) return 'seconds';
  if (span < HOUR) return 'minutes';
  if (span < 22 * HOUR) return 'hours';
  if (span >= 26 * HOUR && span < 27 * DAY) return 'days';
  return undefined;
}

/** "3 hours ago", with the exact time kept for a tooltip. */
export function relativeTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = DateTime.fromISO(iso);
  if (!at.isValid) return at.toRelative() ?? iso;
  const ms = at.toMillis() - Date.now();
  const unit = relativeUnit(ms);
  if (unit === 'days') return at.toRelative({ unit }) ?? iso;
  if (!unit) return at.toRelative() ?? iso;
  relativeFormat ??= new Intl.RelativeTimeFormat(undefined, {
    numeric: 'always',
  });
  const size = { seconds: 1000, minutes: MINUTE, hours: HOUR }[unit];
  // Luxon truncates towards zero, as here.
  return relativeFormat.format(Math.trunc(ms / size), unit);
}

export function exactTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = DateTime.fromISO(iso);
  if (!at.isValid) return at.toLocaleString(DateTime.DATETIME_MED_WITH_SECONDS);
  exactFormat ??= new Intl.DateTimeFormat(
    undefined,
    DateTime.DATETIME_MED_WITH_SECONDS,
  );
  return exactFormat.format(at.toJSDate());
}

export const shortSha = (sha: string | undefined) =>
  sha ? sha.slice(0, 7) : '';

/** A digest shown the way registries do: `sha256:1a2b3c4d5e6f`. */
export const shortDigest = (digest: string | undefined) =>
  digest ? `${digest.slice(0, 19)}` : '';
