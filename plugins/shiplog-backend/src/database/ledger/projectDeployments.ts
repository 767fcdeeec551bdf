import { ReleaseEvent } from '@shiplog/plugin-shiplog-common';
import { DEPLOYMENT_COLUMNS, DeploymentRow, toNumber } from '../rows';
import { TABLES } from '../tables';
import { DeploymentRecord } from '../types';
import { ProjectionBatch, keyOf } from './batch';
import { columnsOf, insertRows } from './insertRows';
import { EventVersions, loadReleases } from './projectReleases';
import { named, oneOf } from './statements';

const DEPLOYMENTS = TABLES.deployments;
/** What a new deployment is inserted with: every column but its id. */
const INSERTED_COLUMNS = [
  ...columnsOf('text', 'entity_ref', 'environment', 'version', 'commit_sha'),
  ...columnsOf('text', 'status'),
  ...columnsOf('bigint', 'started_at', 'finished_at', 'updated_at', 'sort_at'),
  ...columnsOf('text', 'actor', 'run_url', 'source'),
  ...columnsOf('boolean', 'rollback'),
];

/** How long a started deployment may wait for its finish to be reported. */
const MAX_OPEN_DEPLOYMENT_MS = 24 * 60 * 60 * 1000;

const TERMINAL: Record<
  ReleaseEvent['status'],
  DeploymentRecord['status'] | undefined
> = {
  started: undefined,
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** What runs in an environment before this batch: when it became current, and its version. */
interface CurrentState {
  currentAt: number | null;
  currentVersion: string | null;
}

/**
 * The deployments still in progress of the batch's (entity, environment, version) triples. Read under
 * the components' ledger locks (`lockEntities`), so a replica folding the same component waits
 * instead of opening a second deployment for the same triple.
 */
async function loadOpenDeployments(
  { trx }: ProjectionBatch,
  ordered: ReleaseEvent[],
  versions: EventVersions,
): Promise<Map<string, DeploymentRow>> {
  const triples = [
    ...new Set(
      ordered.map(e => keyOf(e.entityRef, e.environment, versions.get(e))),
    ),
  ].map(k => k.split('\u0000'));
  const wantedTriples = new Set(triples.map(t => t.join('\u0000')));
  const open = new Map<string, DeploymentRow>();
  const ofEntities = oneOf('entity_ref', [...new Set(triples.map(t => t[0]))]);
  const ofVersions = oneOf('version', [...new Set(triples.map(t => t[2]))]);
  const openRows: DeploymentRow[] = await named(
    trx,
    trx(DEPLOYMENTS)
      .whereRaw(ofEntities.sql, ofEntities.bindings)
      .whereRaw(ofVersions.sql, ofVersions.bindings)
      .where({ status: 'in_progress' })
      .orderBy('sort_at', 'asc'),
    'open_deployments_v1',
    ofEntities,
    ofVersions,
  );
  for (const row of openRows) {
    const key = keyOf(row.entity_ref, row.environment, row.version);
    if (wantedTriples.has(key)) open.set(key, row);
  }
  return open;
}

async function loadCurrentStates(
  { trx }: ProjectionBatch,
  entityRefs: string[],
): Promise<Map<string, CurrentState>> {
  const states = new Map<string, CurrentState>();
  const touched = oneOf('s.entity_ref', entityRefs);
  const rows: Array<{
    entity_ref: string;
    environment: string;
    current_at: number | null;
    version: string | null;
  }> = await named(
    trx,
    // The running version as a scalar subquery: a primary-key lookup per state row on both
    // databases, where a join was planned as a hash of all deployments while statistics lagged.
    trx(`${TABLES.environmentState} as s`)
      .whereRaw(touched.sql, touched.bindings)
      .select(
        's.entity_ref',
        's.environment',
        's.current_at',
        trx.raw(
          `(SELECT d.version FROM ${DEPLOYMENTS} d WHERE d.id = s.current_deployment_id) AS version`,
        ),
      ),
    'current_states_v2',
    touched,
  );
  for (const row of rows) {
    states.set(keyOf(row.entity_ref, row.environment), {
      currentAt: toNumber(row.current_at) ?? null,
      currentVersion: row.version,
    });
  }
  return states;
}

/**
 * Version keys of the deployed versions and of what runs now: they decide whether a success is a
 * rollback. Read after the batch's releases were upserted (most come back from that upsert).
 */
async function loadVersionKeys(
  batch: ProjectionBatch,
  ordered: ReleaseEvent[],
  versions: EventVersions,
  states: Map<string, CurrentState>,
): Promise<Map<string, string>> {
  const keys = new Set<string>();
  for (const event of ordered) {
    keys.add(keyOf(event.entityRef, versions.get(event)));
    const state = states.get(keyOf(event.entityRef, event.environment));
    if (state?.currentVersion) {
      keys.add(keyOf(event.entityRef, state.currentVersion));
    }
  }
  const releases = await loadReleases(batch, keys);
  return new Map(
    [...releases].map(([key, release]) => [key, release.version_key]),
  );
}

/** Folds the batch's deploy events, in time order, into new and changed deployment rows. */
class DeploymentFold {
  readonly created: DeploymentRow[] = [];
  readonly updated = new Set<DeploymentRow>();

  constructor(
    private readonly open: Map<string, DeploymentRow>,
    private readonly states: Map<string, CurrentState>,
    private readonly versionKeys: Map<string, string>,
  ) {}

  fold(event: ReleaseEvent, version: string, at: number) {
    const tripleKey = keyOf(event.entityRef, event.environment, version);
    const terminal = TERMINAL[event.status];
    const candidate = this.open.get(tripleKey);
    // A start left open for more than a day (its finish was never reported) is not the attempt this
    // event finishes or restarts; it stays as it was and this event is a deployment of its own.
    const existing =
      candidate &&
      at - Number(candidate.sort_at) <= MAX_OPEN_DEPLOYMENT_MS &&
      at >= Number(candidate.sort_at)
        ? candidate
        : undefined;
    const row = existing
      ? this.continueDeployment(existing, event, at, tripleKey)
      : this.startDeployment(event, version, at, tripleKey);
    if (terminal === 'succeeded') {
      this.becomeCurrent(row, event, version, at);
    }
  }

  private continueDeployment(
    row: DeploymentRow,
    event: ReleaseEvent,
    at: number,
    tripleKey: string,
  ): DeploymentRow {
    const terminal = TERMINAL[event.status];
    row.commit_sha ??= event.commitSha ?? null;
    row.actor ??= event.actor ?? null;
    row.run_url ??= event.runUrl ?? null;
    row.updated_at = Math.max(Number(row.updated_at), at);
    if (terminal) {
      row.status = terminal;
      row.finished_at = at;
      this.open.delete(tripleKey);
    }
    if (row.id !== undefined) {
      this.updated.add(row);
    }
    return row;
  }

  /** A started event opens a deployment; a final one without an open deployment is one of its own. */
  private startDeployment(
    event: ReleaseEvent,
    version: string,
    at: number,
    tripleKey: string,
  ): DeploymentRow {
    const terminal = TERMINAL[event.status];
    const row: DeploymentRow = {
      entity_ref: event.entityRef,
      environment: event.environment!,
      version,
      commit_sha: event.commitSha ?? null,
      status: terminal ?? 'in_progress',
      started_at: terminal ? null : at,
      finished_at: terminal ? at : null,
      updated_at: at,
      sort_at: at,
      actor: event.actor ?? null,
      run_url: event.runUrl ?? null,
      source: event.source ?? null,
      rollback: false,
    };
    this.created.push(row);
    if (!terminal) {
      this.open.set(tripleKey, row);
    }
    return row;
  }

  /** A success newer than what runs becomes current; it is a rollback when its version is older. */
  private becomeCurrent(
    row: DeploymentRow,
    event: ReleaseEvent,
    version: string,
    at: number,
  ) {
    const stateKey = keyOf(event.entityRef, event.environment);
    const state = this.states.get(stateKey) ?? {
      currentAt: null,
      currentVersion: null,
    };
    if (state.currentAt !== null && at < state.currentAt) {
      return;
    }
    const currentKey = state.currentVersion
      ? this.versionKeys.get(keyOf(event.entityRef, state.currentVersion))
      : undefined;
    const newKey = this.versionKeys.get(keyOf(event.entityRef, version));
    row.rollback = Boolean(currentKey && newKey && newKey < currentKey);
    this.states.set(stateKey, { currentAt: at, currentVersion: version });
  }
}

/** What tells two new deployment rows apart: every column written (numbers as the database returns them). */
const contentOf = (row: DeploymentRow) =>
  keyOf(
    row.entity_ref,
    row.environment,
    row.version,
    row.commit_sha ?? '',
    row.status,
    Number(row.started_at ?? -1),
    Number(row.finished_at ?? -1),
    Number(row.updated_at),
    Number(row.sort_at),
    row.actor ?? '',
    row.run_url ?? '',
    row.source ?? '',
    Number(Boolean(row.rollback)),
  );

/**
 * Inserts the new rows in chunks and gives each its id. Neither database promises that a multi-row
 * RETURNING lists the rows in the order given, so ids go back by content; rows alike in every column
 * are interchangeable.
 */
async function insertDeployments(
  { trx }: ProjectionBatch,
  created: DeploymentRow[],
) {
  const returned = await insertRows<DeploymentRow, DeploymentRow>(trx, {
    table: DEPLOYMENTS,
    columns: INSERTED_COLUMNS,
    rows: created,
    returning: DEPLOYMENT_COLUMNS,
  });
  const idsByContent = new Map<string, Array<string | number>>();
  for (const row of returned) {
    const ids = idsByContent.get(contentOf(row)) ?? [];
    ids.push(row.id!);
    idsByContent.set(contentOf(row), ids);
  }
  for (const row of created) {
    const id = idsByContent.get(contentOf(row))?.shift();
    if (id === undefined) {
      throw new Error(
        `A new deployment of ${row.entity_ref} in ${row.environment} came back without its id`,
      );
    }
    row.id = id;
  }
}

async function writeDeployments(
  batch: ProjectionBatch,
  created: DeploymentRow[],
  updated: Iterable<DeploymentRow>,
) {
  await insertDeployments(batch, created);
  for (const row of updated) {
    await batch.trx(DEPLOYMENTS).where({ id: row.id }).update({
      status: row.status,
      finished_at: row.finished_at,
      updated_at: row.updated_at,
      commit_sha: row.commit_sha,
      actor: row.actor,
      run_url: row.run_url,
      rollback: row.rollback,
    });
  }
}

/** The deployments a batch created, and the stored ones it changed (each finishing an open one). */
export interface ProjectedDeployments {
  created: DeploymentRow[];
  updated: DeploymentRow[];
}

/**
 * Deploy events open a deployment (`started`) or finish the open one of the same release in the
 * same environment; a final event without an open deployment is a deployment of its own. Returns
 * the deployments created or changed, with their ids, for the state per environment.
 */
export async function projectDeployments(
  batch: ProjectionBatch,
  events: ReleaseEvent[],
  versions: EventVersions,
): Promise<ProjectedDeployments> {
  const ordered = [...events].sort((a, b) => batch.at(a) - batch.at(b));
  const open = await loadOpenDeployments(batch, ordered, versions);
  const entityRefs = [...new Set(ordered.map(e => e.entityRef))];
  const states = await loadCurrentStates(batch, entityRefs);
  const versionKeys = await loadVersionKeys(batch, ordered, versions, states);
  const fold = new DeploymentFold(open, states, versionKeys);
  for (const event of ordered) {
    fold.fold(event, versions.get(event)!, batch.at(event));
  }
  await writeDeployments(batch, fold.created, fold.updated);
  return { created: fold.created, updated: [...fold.updated] };
}
