import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { CronTime } from 'cron';
import { DateTime } from 'luxon';

/** A freeze window from `shiplog.freezes`: a fixed range, or one that recurs on a cron schedule. */
export type FreezeWindowConfig = {
  name: string;
  /** The environments it freezes; `*` freezes every one. */
  environments: string[];
} & (
  | { kind: 'fixed'; from: number; to: number }
  | { kind: 'recurring'; cron: string; durationMs: number; timezone: string }
);

function isoTime(config: Config, key: string, at: string): number {
  const text = config.getString(key);
  const parsed = DateTime.fromISO(text, { setZone: true });
  if (!parsed.isValid || !/T/.test(text)) {
    throw new InputError(
      `${at}.${key} "${text}" must be an ISO 8601 time with a zone, e.g. 2026-12-24T00:00:00Z`,
    );
  }
  return parsed.toMillis();
}

function readWindow(config: Config, at: string): FreezeWindowConfig {
  const name = config.getString('name');
  const environments = config.getStringArray('environments');
  if (!environments.length) {
    throw new InputError(
      `${at}.environments must list at least one environment (or "*")`,
    );
  }
  if (config.has('cron')) {
    const cron = config.getString('cron');
    const timezone = config.getOptionalString('timezone') ?? 'UTC';
    if (!DateTime.local().setZone(timezone).isValid) {
      throw new InputError(
        `${at}.timezone "${timezone}" is not a known time zone (e.g. Europe/Berlin)`,
      );
    }
    try {
      // Constructed only to validate the expression; the calendar builds its own.
      void new CronTime(cron, timezone);
    } catch (error) {
      throw new InputError(
        `${at}.cron "${cron}" is not a cron expression: ${
          (error as Error).message
        }`,
      );
    }
    if (!config.has('duration')) {
      throw new InputError(
        `${at}.duration is required with cron (e.g. { hours: 12 })`,
      );
    }
    const durationMs = durationToMilliseconds(
      readDurationFromConfig(config, { key: 'duration' }),
    );
    if (!(durationMs > 0)) {
      throw new InputError(`${at}.duration must be longer than zero`);
    }
    return {
      name,
      environments,
      kind: 'recurring',
      cron,
      durationMs,
      timezone,
    };
  }
  const from = isoTime(config, 'from', at);
  const to = isoTime(config, 'to', at);
  if (to <= from) {
    throw new InputError(`${at}.to must be after ${at}.from`);
  }
  return { name, environments, kind: 'fixed', from, to };
}

/** Reads `shiplog.freezes`, failing start-up with the offending key rather than misbehaving later. */
export function readFreezes(config: Config): FreezeWindowConfig[] {
  return (config.getOptionalConfigArray('shiplog.freezes') ?? []).map(
    (window, index) => readWindow(window, `shiplog.freezes[${index}]`),
  );
}
