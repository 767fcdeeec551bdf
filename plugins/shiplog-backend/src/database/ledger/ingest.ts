import { ReleaseEvent } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { TABLES } from '../tables';
import { LedgerEvent, ProjectedLedgerEvent } from '../types';
import { ProjectionBatch, chunks } from './batch';
import { InsertColumn, insertRows } from './insertRows';
import { lockEntities } from './lockEntities';
import { projectCommits } from './projectCommits';
import { projectDeliveryMetrics } from './projectDeliveryMetrics';
import { projectDeployments } from './projectDeployments';
import { projectEnvironmentState } from './projectEnvironmentState';
import { projectReleases, resolveVersions } from './projectReleases';
import { projectRollupCells } from './projectRollupCells';

/** Columns already hold these; the payload keeps the rest (image, commits, pull request), so event = columns + payload. */
const COLUMN_FIELDS = new Set([
  'id',
  'entityRef',
  'type',
  'status',
  'version',
  'commitSha',
  'environment',
  'runUrl',
  'actor',
  'source',
  'occurredAt',
]);

function payloadOf(event: LedgerEvent): string {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!COLUMN_FIELDS.has(key) && value !== undefined) rest[key] = value;
  }
  return JSON.stringify(rest);
}

const text = (name: string): InsertColumn => ({ name, type: 'text' });
const EVENT_COLUMNS: InsertColumn[] = [
  ...['id', 'entity_ref', 'type', 'status', 'version', 'commit_sha'].map(text),
  ...['environment', 'run_url', 'actor', 'source'].map(text),
  { name: 'occurred_at', type: 'bigint' },
  { name: 'received_at', type: 'bigint' },
  text('payload'),
];

function eventRow(event: LedgerEvent, occurredAt: number, receivedAt: number) {
  return {
    id: event.id,
    entity_ref: event.entityRef,
    type: event.type,
    status: 'status' in event ? event.status : null,
    version: 'version' in event ? event.version ?? null : null,
    commit_sha: 'commitSha' in event ? event.commitSha ?? null : null,
    environment: 'environment' in event ? event.environment ?? null : null,
    run_url: event.runUrl ?? null,
    actor: event.actor ?? null,
    source: event.source ?? null,
    occurred_at: occurredAt,
    received_at: receivedAt,
    payload: payloadOf(event),
  };
}

/**
 * Work that commits or rolls back with a batch's new events (the notification outbox), and work that
 * follows the commit (signals). Registered on the event store; the projections know nothing of it.
 */
export interface IngestHook {
  /** Inside the ingest transaction, after the projections: `versionOf` is the release each event was folded into. */
  withinTransaction?(
    trx: Knex.Transaction,
    fresh: LedgerEvent[],
    context: {
      receivedAt: number;
      versionOf: (event: LedgerEvent) => string | undefined;
    },
  ): Promise<void>;
  /** After the transaction committed. Best effort: a hook handles its own failures. */
  afterCommit?(fresh: LedgerEvent[]): Promise<void>;
}

/** Folds freshly accepted events into the read models, in the order they depend on each other. */
async function project(
  batch: ProjectionBatch,
  allEvents: LedgerEvent[],
): Promise<(event: LedgerEvent) => string | undefined> {
  // Promotion events are Shiplog's record of its own actions: kept, but folded into no read model.
  const events = allEvents.filter(
    (event): event is ProjectedLedgerEvent => event.type !== 'promotion',
  );
  const withCommits = await projectCommits(batch, events);
  const releaseEvents = events.filter(
    (event): event is ReleaseEvent =>
      event.type !== 'commits' && event.type !== 'pull_request',
  );
  const versionOf = await projectReleaseEvents(batch, releaseEvents);
  await projectRollupCells(
    batch,
    events.map(event => event.entityRef),
    withCommits,
  );
  return versionOf;
}

async function projectReleaseEvents(
  batch: ProjectionBatch,
  releaseEvents: ReleaseEvent[],
): Promise<(event: LedgerEvent) => string | undefined> {
  if (!releaseEvents.length) {
    return () => undefined;
  }
  const versions = await resolveVersions(batch, releaseEvents);
  await projectReleases(batch, releaseEvents, versions);
  const deploys = releaseEvents.filter(event => event.type === 'deploy');
  if (deploys.length) {
    const { created, updated } = await projectDeployments(
      batch,
      deploys,
      versions,
    );
    const deployments = [...created, ...updated];
    await projectEnvironmentState(batch, deployments);
    await projectDeliveryMetrics(batch, deployments, new Set(created));
  }
  return event => versions.get(event as ReleaseEvent);
}

/**
 * Stores a batch of events in one transaction and folds the new ones into the read models (releases,
 * commits, deployments, the state per environment) in the same transaction. The transaction first
 * locks the ledger of each component it writes, so batches racing on two replicas take turns per
 * component. Returns the ids that were new: the first
 * occurrence of each in the batch, none already stored.
 */
export async function ingestEvents(
  db: Knex,
  events: LedgerEvent[],
  receivedAt: Date,
  hooks: IngestHook[] = [],
  options: Pick<ProjectionBatch, 'deliveryFold'> = {},
): Promise<Set<string>> {
  const unique = new Map<string, LedgerEvent>();
  for (const event of events) {
    if (!unique.has(event.id)) {
      unique.set(event.id, event);
    }
  }
  const batch = [...unique.values()];
  const received = receivedAt.getTime();
  const times = new Map(
    batch.map(event => [
      event,
      event.occurredAt ? Date.parse(event.occurredAt) : received,
    ]),
  );

  let fresh: LedgerEvent[] = [];
  const accepted = await db.transaction(async trx => {
    await lockEntities(
      trx,
      batch.map(event => event.entityRef),
      received,
    );
    const acceptedIds = new Set<string>();
    for (const part of chunks(batch)) {
      const rows = part.map(event =>
        eventRow(event, times.get(event)!, received),
      );
      const inserted = await insertRows(trx, {
        table: TABLES.events,
        columns: EVENT_COLUMNS,
        rows,
        conflict: ['id'],
        returning: ['id'],
      });
      for (const row of inserted) {
        acceptedIds.add(String(row.id));
      }
    }
    fresh = batch.filter(event => acceptedIds.has(event.id));
    if (fresh.length) {
      const versionOf = await project(
        {
          trx,
          at: event => times.get(event)!,
          releases: new Map(),
          ...options,
        },
        fresh,
      );
      for (const hook of hooks) {
        await hook.withinTransaction?.(trx, fresh, {
          receivedAt: received,
          versionOf: event =>
            versionOf(event) ??
            ('version' in event ? event.version : undefined),
        });
      }
    }
    return acceptedIds;
  });
  if (fresh.length) {
    for (const hook of hooks) {
      await hook.afterCommit?.(fresh);
    }
  }
  return accepted;
}
