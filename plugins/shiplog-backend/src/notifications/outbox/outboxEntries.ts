import type { LedgerEvent, PromotionLedgerEvent } from '../../database/types';
import type { OutboxEntry, StageKind, StagePayload } from './types';

/** Promotion states that get a reply; the others (change opened, synced) show on the parent only. */
const PROMOTION_STATES_POSTED = new Set([
  'requested',
  'awaiting-approval',
  'merged',
  'deployed',
  'failed',
]);

/** Ledger events that Shiplog writes itself when a user syncs an Argo CD application. */
const SYNC_EVENT_PREFIX = 'shiplog-sync:';

/** Events older than this when they arrive are history being replayed (a backfill), not news. */
export const MAX_NEWS_AGE_MS = 3600_000;

/**
 * The Slack messages a batch of freshly accepted ledger events causes: one per stage event (build,
 * publish, release, deploy, a sync by a user, promotion steps, rollbacks). Commits and pull requests
 * cause none: they show in the parent message of the release that ships them. Neither do events
 * that happened more than an hour before they arrived: importing a year of history posts nothing.
 */
export function outboxEntriesFor(
  events: LedgerEvent[],
  receivedAt: number,
  versionOf: (event: LedgerEvent) => string | undefined = () => undefined,
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const event of events) {
    const occurred = event.occurredAt
      ? Date.parse(event.occurredAt)
      : receivedAt;
    if (receivedAt - occurred > MAX_NEWS_AGE_MS) continue;
    const entry = entryFor(event);
    if (entry) {
      // The release the ledger folded the event into (a deploy may name only its commit).
      entries.push({ ...entry, version: versionOf(event) ?? entry.version });
    }
  }
  return entries;
}

function entryFor(event: LedgerEvent): OutboxEntry | undefined {
  switch (event.type) {
    case 'build':
    case 'publish':
    case 'release':
    case 'deploy': {
      if (!event.version && !event.commitSha) {
        return undefined;
      }
      const kind: StageKind =
        event.type === 'deploy' && event.id.startsWith(SYNC_EVENT_PREFIX)
          ? 'sync'
          : event.type;
      return {
        eventId: event.id,
        entityRef: event.entityRef,
        kind,
        status: event.status,
        version: event.version,
        commitSha: event.commitSha,
        environment: event.environment,
        payload: compact({
          actor: event.actor,
          runUrl: event.runUrl,
          source: event.source,
          image: event.image,
          occurredAt: event.occurredAt,
        }),
      };
    }
    case 'promotion':
      return promotionEntry(event);
    default:
      return undefined;
  }
}

function promotionEntry(event: PromotionLedgerEvent): OutboxEntry | undefined {
  if (!PROMOTION_STATES_POSTED.has(event.status)) {
    return undefined;
  }
  return {
    eventId: event.id,
    entityRef: event.entityRef,
    kind: event.rollback ? 'rollback' : 'promotion',
    status: event.status,
    version: event.version,
    environment: event.environment,
    payload: compact({
      actor: event.actor,
      runUrl: event.runUrl,
      source: event.source,
      reason: event.reason,
      error: event.error,
      promotionId: event.promotionId,
      fromVersion: event.fromVersion,
      automatic: event.automatic,
      change: event.change
        ? { kind: event.change.kind, url: event.change.url }
        : undefined,
      occurredAt: event.occurredAt,
    }),
  };
}

function compact(payload: StagePayload): StagePayload {
  return Object.fromEntries(
    Object.entries(payload).filter(([, value]) => value !== undefined),
  ) as StagePayload;
}
