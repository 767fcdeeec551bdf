import { EnvironmentFreeze } from '@shiplog/plugin-shiplog-common';
import { CronTime } from 'cron';
import { FreezeWindowConfig } from '../../config/readFreezes';

/** How far ahead the matrix announces the next freeze. */
const ANNOUNCE_AHEAD_MS = 7 * 24 * 3600_000;

const toFreeze = (
  name: string,
  from: number,
  to: number,
  now: number,
): EnvironmentFreeze => ({
  name,
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  active: from <= now && now < to,
});

/** The occurrence of a window in force at `now`, else its next one starting after `now`. */
function occurrence(
  window: FreezeWindowConfig,
  now: number,
): { from: number; to: number } | undefined {
  if (window.kind === 'fixed') {
    return window.to > now ? { from: window.from, to: window.to } : undefined;
  }
  const time = new CronTime(window.cron, window.timezone);
  // The first start after (now - duration) is in force now when it is not after now.
  const start = time
    .getNextDateFrom(new Date(now - window.durationMs), window.timezone)
    .toMillis();
  return { from: start, to: start + window.durationMs };
}

/**
 * The freeze windows of `shiplog.freezes`: which one is in force in an environment at a time, and
 * which comes next. Recurring windows follow their cron schedule in their own time zone.
 */
export class FreezeCalendar {
  constructor(private readonly windows: FreezeWindowConfig[]) {}

  /** The window in force there now (the one ending last), else the next one within a week. */
  freezeOf(
    environment: string,
    now = Date.now(),
  ): EnvironmentFreeze | undefined {
    const found = this.windows
      .filter(
        w =>
          w.environments.includes(environment) || w.environments.includes('*'),
      )
      .flatMap(w => {
        const next = occurrence(w, now);
        return next ? [toFreeze(w.name, next.from, next.to, now)] : [];
      });
    const active = found
      .filter(f => f.active)
      .sort((a, b) => b.to.localeCompare(a.to))[0];
    if (active) return active;
    return found
      .filter(f => Date.parse(f.from) - now <= ANNOUNCE_AHEAD_MS)
      .sort((a, b) => a.from.localeCompare(b.from))[0];
  }

  /** The window in force there now, if any. */
  activeFreezeOf(
    environment: string,
    now = Date.now(),
  ): EnvironmentFreeze | undefined {
    const freeze = this.freezeOf(environment, now);
    return freeze?.active ? freeze : undefined;
  }
}
