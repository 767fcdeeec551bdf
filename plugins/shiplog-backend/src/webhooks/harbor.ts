import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { LedgerEvent } from '../database/types';

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

export function translateHarborPush(
  push: HarborPush,
  payload: HarborPayload,
  eventId: string,
  entityRef: string,
): LedgerEvent {
  return releaseEventInputSchema.parse({
    id: eventId,
    entityRef,
    type: 'publish',
    status: 'succeeded',
    version: push.tag,
    image: { repository: push.repository, tag: push.tag, digest: push.digest },
    actor: payload.operator || undefined,
    source: 'harbor',
    occurredAt: payload.occur_at
      ? new Date(payload.occur_at * 1000).toISOString()
      : undefined,
  });
}
