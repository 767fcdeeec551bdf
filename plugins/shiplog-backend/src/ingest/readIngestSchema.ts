import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  createReleaseEventInputSchema,
  DEFAULT_MAX_CLOCK_SKEW_MS,
} from '@shiplog/plugin-shiplog-common';

/** `shiplog.ingest.maxClockSkew` in milliseconds: an object (`{ minutes: 5 }`) or a string (`5m`). */
export function readMaxClockSkewMs(config: Config): number {
  const key = 'shiplog.ingest.maxClockSkew';
  if (!config.has(key)) return DEFAULT_MAX_CLOCK_SKEW_MS;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms >= 0)) throw new Error(`${key} must be a positive duration`);
  return ms;
}

/** The event schema of `POST /v1/events` and the webhooks, with the configured clock skew. */
export type IngestEventSchema = ReturnType<
  typeof createReleaseEventInputSchema
>;

/** The event schema of `POST /v1/events` and the webhooks, with the configured clock skew. */
export function readIngestEventSchema(config: Config): IngestEventSchema {
  return createReleaseEventInputSchema({
    maxClockSkewMs: readMaxClockSkewMs(config),
  });
}
