import type { OutboxRow, ThreadKey, ThreadRecord } from './types';

/** The columns that name a Slack thread: one per (entity, version, channel). */
export function threadWhere(key: ThreadKey) {
  return {
    entity_ref: key.entityRef,
    version: key.version,
    channel: key.channel,
  };
}

export function toThread(row: Record<string, unknown>): ThreadRecord {
  return {
    entityRef: row.entity_ref as string,
    version: row.version as string,
    channel: row.channel as string,
    channelId: (row.channel_id as string | null) ?? undefined,
    ts: (row.ts as string | null) ?? undefined,
    postStartedAt: optionalNumber(row.post_started_at),
    revision: Number(row.revision),
    renderedRevision: Number(row.rendered_revision),
    updatedAt: optionalNumber(row.updated_at),
  };
}

export function toOutboxRow(row: Record<string, unknown>): OutboxRow {
  return {
    id: Number(row.id),
    eventId: row.event_id as string,
    entityRef: row.entity_ref as string,
    kind: row.kind as OutboxRow['kind'],
    status: (row.status as string | null) ?? undefined,
    version: (row.version as string | null) ?? undefined,
    commitSha: (row.commit_sha as string | null) ?? undefined,
    environment: (row.environment as string | null) ?? undefined,
    payload: JSON.parse(row.payload as string),
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    sendStartedAt: optionalNumber(row.send_started_at),
  };
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
