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

type Unit = 'seconds' | 'minutes' | 'hours' | 'days';
const UNIT_MS: Record<Unit, number> = {
  seconds: 1000,
  minutes: MINUTE,
  hours: HOUR,
  days: DAY,
};

/**
 * The unit luxon's `toRelative` picks, where plain milliseconds give its answer: under a month, with
 * no clock change between then and now, a calendar day is 24 hours. Elsewhere (months, years, a DST
 * change in between) undefined, and luxon's calendar arithmetic decides.
 */
function relativeUnit(ms: number, at: Date): Unit | undefined {
  const span = Math.abs(ms);
  if (span < MINUTE) return 'seconds';
  if (span < HOUR) return 'minutes';
  const sameOffset = at.getTimezoneOffset() === new Date().getTimezoneOffset();
  if (span < 27 * DAY && sameOffset) return span < DAY ? 'hours' : 'days';
  // Under 22 hours no calendar day has passed, even across a clock change of an hour.
  if (span < 22 * HOUR) return 'hours';
  return undefined;
}

/**
 * A full date and time with its zone, as the API writes them: `Date.parse` reads these exactly as
 * luxon does, at a fraction of its cost. Anything else (a date alone is local midnight to luxon but
 * UTC to `Date.parse`) goes to luxon.
 */
const ZONED_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function toDate(iso: string): Date | undefined {
  if (!ZONED_DATE_TIME.test(iso)) return undefined;
  // `Date.parse` rolls 30 February over into March, where luxon calls it invalid.
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1) return undefined;
  return new Date(Date.parse(iso));
}

/** "3 hours ago", with the exact time kept for a tooltip. */
export function relativeTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = toDate(iso);
  const ms = date ? date.getTime() - Date.now() : NaN;
  const unit = date && relativeUnit(ms, date);
  if (!unit) return DateTime.fromISO(iso).toRelative() ?? iso;
  relativeFormat ??= new Intl.RelativeTimeFormat(undefined, {
    numeric: 'always',
  });
  // Luxon truncates towards zero, as here.
  return relativeFormat.format(Math.trunc(ms / UNIT_MS[unit]), unit);
}

export function exactTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = toDate(iso);
  if (!date || Number.isNaN(date.getTime()))
    return DateTime.fromISO(iso).toLocaleString(
      DateTime.DATETIME_MED_WITH_SECONDS,
    );
  exactFormat ??= new Intl.DateTimeFormat(
    undefined,
    DateTime.DATETIME_MED_WITH_SECONDS,
  );
  return exactFormat.format(date);
}

export const shortSha = (sha: string | undefined) =>
  sha ? sha.slice(0, 7) : '';

/** A digest shown the way registries do: `sha256:1a2b3c4d5e6f`. */
export const shortDigest = (digest: string | undefined) =>
  digest ? `${digest.slice(0, 19)}` : '';
