import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { LedgerEvent } from '../database/types';
import type { IngestEventSchema } from '../ingest/readIngestSchema';
import { InvalidPayloadError } from './InvalidPayloadError';

/** The parts of Harbor's webhook payload (`PUSH_ARTIFACT`) Shiplog reads. */
export interface HarborPayload {
  type?: string;
  occur_at?: number;
  operator?: string;
  event_data?: {
    resources?: Array<{ digest?: string; tag?: string; resource_url?: string }>;
    repository?: { name?: string; namespace?: string; repo_full_name?: string };
  };
}

export interface HarborPush {
  /** Image repository without tag or digest, e.g. `harbor.acme.io/shop/checkout`. */
  repository: string;
  tag: string;
  digest?: string;
}

/** The tagged images a `PUSH_ARTIFACT` delivery announces; pushes by digest alone carry no version. */
export function harborPushes(payload: HarborPayload): HarborPush[] {
  if (payload.type !== 'PUSH_ARTIFACT') return [];
  const pushes: HarborPush[] = [];
  for (const resource of payload.event_data?.resources ?? []) {
    if (!resource.tag || !resource.resource_url) continue;
    // resource_url is `host/project/repo:tag` (or `@sha256:...`); the repository is what precedes it.
    const repository = resource.resource_url
      .replace(/@sha256:[0-9a-f]+$/, '')
      .replace(/:[^/:]+$/, '');
    pushes.push({ repository, tag: resource.tag, digest: resource.digest });
  }
  return pushes;
}

/** Latest time a JavaScript Date holds (ms); Harbor's `occur_at` is in seconds. */
const MAX_DATE_MS = 8.64e15;

/** The push time, or undefined without one; a time no clock can show makes the delivery invalid, not retried. */
function occurredAtOf(payload: HarborPayload): string | undefined {
  const at = payload.occur_at;
  if (at === undefined || at === null) return undefined;
  if (
    typeof at !== 'number' ||
    !Number.isFinite(at) ||
    at < 0 ||
    at * 1000 > MAX_DATE_MS
  ) {
    throw new InvalidPayloadError(
      `occur_at ${JSON.stringify(at)} is not a time in seconds since 1970`,
    );
  }
  return new Date(at * 1000).toISOString();
}

export function translateHarborPush(
  push: HarborPush,
  payload: HarborPayload,
  eventId: string,
  entityRef: string,
  schema: IngestEventSchema = releaseEventInputSchema,
): LedgerEvent {
  return schema.parse({
    id: eventId,
    entityRef,
    type: 'publish',
    status: 'succeeded',
    version: push.tag,
    image: { repository: push.repository, tag: push.tag, digest: push.digest },
    actor: payload.operator || undefined,
    source: 'harbor',
    occurredAt: occurredAtOf(payload),
  });
}
