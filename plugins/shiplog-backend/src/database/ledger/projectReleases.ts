import { ReleaseEvent, versionSortKey } from '@shiplog/plugin-shiplog-common';
import { ReleaseRow, Stage } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, UpsertedRelease, keyOf } from './batch';
import { columnsOf, insertRows } from './insertRows';
import { named, oneOf } from './statements';

const RELEASES = TABLES.releases;
const RELEASE_COLUMNS = [
  ...columnsOf('text', 'entity_ref', 'version', 'version_key', 'commit_sha'),
  ...columnsOf('bigint', 'first_seen_at'),
  ...(['build', 'publish', 'release'] as const).flatMap(stage => [
    ...columnsOf('text', `${stage}_status`),
    ...columnsOf('bigint', `${stage}_at`),
    ...columnsOf('text', `${stage}_run_url`),
  ]),
  ...columnsOf('text', 'image_repository', 'image_tag', 'image_digest'),
];

/** The version each release event is about. */
export type EventVersions = Map<ReleaseEvent, string>;

/** A later report of a stage wins; at the same instant a final status wins over `started`. */
function isNewerStage(
  at: number,
  status: string,
  prevAt: number | null,
  prevStatus: string | null,
): boolean {
  if (prevAt === null) {
    return true;
  }
  return (
    at > prevAt ||
    (at === prevAt && prevStatus === 'started' && status !== 'started')
  );
}

/** SQL for "take the incoming stage when it is newer", the same rule as isNewerStage, evaluated by the database. */
function newerStageSql(stage: Stage): string {
  const t = RELEASES;
  return `excluded.${stage}_at IS NOT NULL AND (${t}.${stage}_at IS NULL OR excluded.${stage}_at > ${t}.${stage}_at OR (excluded.${stage}_at = ${t}.${stage}_at AND ${t}.${stage}_status = 'started'))`;
}

/** The newest release (by version key) of each wanted (entity, commit), from the database. */
async function releasesOfCommits(
  { trx }: ProjectionBatch,
  bySha: ReleaseEvent[],
): Promise<Map<string, string>> {
  // Per-column IN lists use the (entity_ref, commit_sha) index; row-value IN lists plan poorly on PostgreSQL.
  const wanted = new Set(bySha.map(e => keyOf(e.entityRef, e.commitSha)));
  const known = new Map<string, { version: string; key: string }>();
  const rows: Array<{
    entity_ref: string;
    commit_sha: string;
    version: string;
    version_key: string;
  }> = await trx(RELEASES)
    .whereIn('entity_ref', [...new Set(bySha.map(e => e.entityRef))])
    .whereIn('commit_sha', [...new Set(bySha.map(e => e.commitSha!))])
    .select('entity_ref', 'commit_sha', 'version', 'version_key');
  for (const row of rows) {
    const key = keyOf(row.entity_ref, row.commit_sha);
    const previous = known.get(key);
    if (wanted.has(key) && (!previous || row.version_key > previous.key)) {
      known.set(key, { version: row.version, key: row.version_key });
    }
  }
  return new Map([...known].map(([key, value]) => [key, value.version]));
}

/**
 * The version each event is about: its own, the published tag, or for a deploy known only by
 * commit the newest release built from that commit (the sha itself when there is none).
 */
export async function resolveVersions(
  batch: ProjectionBatch,
  events: ReleaseEvent[],
): Promise<EventVersions> {
  const versions: EventVersions = new Map();
  const bySha: ReleaseEvent[] = [];
  const batchReleasesOfCommit = new Map<string, string>();
  for (const event of events) {
    const version =
      event.version ??
      (event.type === 'publish' ? event.image?.tag : undefined);
    if (!version) {
      bySha.push(event);
      continue;
    }
    versions.set(event, version);
    if (event.commitSha) {
      batchReleasesOfCommit.set(
        keyOf(event.entityRef, event.commitSha),
        version,
      );
    }
  }
  if (bySha.length) {
    const known = await releasesOfCommits(batch, bySha);
    for (const event of bySha) {
      const key = keyOf(event.entityRef, event.commitSha);
      versions.set(
        event,
        batchReleasesOfCommit.get(key) ?? known.get(key) ?? event.commitSha!,
      );
    }
  }
  return versions;
}

function emptyReleaseRow(
  entityRef: string,
  version: string,
  at: number,
): ReleaseRow {
  return {
    entity_ref: entityRef,
    version,
    version_key: '',
    commit_sha: null,
    first_seen_at: at,
    build_status: null,
    build_at: null,
    build_run_url: null,
    publish_status: null,
    publish_at: null,
    publish_run_url: null,
    release_status: null,
    release_at: null,
    release_run_url: null,
    image_repository: null,
    image_tag: null,
    image_digest: null,
  };
}

/** Folds one event into its release's row: first sighting, commit, and the stage it reports. */
function foldReleaseEvent(row: ReleaseRow, event: ReleaseEvent, at: number) {
  row.first_seen_at = Math.min(row.first_seen_at, at);
  row.commit_sha ??= event.commitSha ?? null;
  if (event.type === 'deploy') {
    return;
  }
  const stage: Stage = event.type;
  if (
    !isNewerStage(at, event.status, row[`${stage}_at`], row[`${stage}_status`])
  ) {
    return;
  }
  row[`${stage}_status`] = event.status;
  row[`${stage}_at`] = at;
  row[`${stage}_run_url`] = event.runUrl ?? null;
  if (stage === 'publish' && event.image) {
    row.image_repository = event.image.repository;
    row.image_tag = event.image.tag;
    row.image_digest = event.image.digest ?? null;
  }
}

/** The merge rules of an upsert: each stage and the image move only to a newer report. */
function releaseMerge(): Record<string, string> {
  const t = RELEASES;
  const merge: Record<string, string> = {
    // Both keys of a version only differ for commit-sha versions, ordered by first sighting.
    version_key: `CASE WHEN excluded.version_key < ${t}.version_key THEN excluded.version_key ELSE ${t}.version_key END`,
    first_seen_at: `CASE WHEN excluded.first_seen_at < ${t}.first_seen_at THEN excluded.first_seen_at ELSE ${t}.first_seen_at END`,
    commit_sha: `COALESCE(${t}.commit_sha, excluded.commit_sha)`,
  };
  const publishNewer = newerStageSql('publish');
  for (const [column, presence] of [
    ['image_repository', 'image_repository'],
    ['image_tag', 'image_tag'],
    ['image_digest', 'image_repository'],
  ]) {
    merge[
      column
    ] = `CASE WHEN ${publishNewer} AND excluded.${presence} IS NOT NULL THEN excluded.${column} ELSE ${t}.${column} END`;
  }
  for (const stage of ['build', 'publish', 'release'] as const) {
    const newer = newerStageSql(stage);
    for (const field of ['status', 'run_url', 'at']) {
      const column = `${stage}_${field}`;
      merge[
        column
      ] = `CASE WHEN ${newer} THEN excluded.${column} ELSE ${t}.${column} END`;
    }
  }
  return merge;
}

/**
 * The releases of the given `keyOf(entityRef, version)` keys that exist: from the batch's upsert,
 * selected only for the keys the batch did not name (what runs now, say).
 */
export async function loadReleases(
  batch: ProjectionBatch,
  keys: Iterable<string>,
): Promise<Map<string, UpsertedRelease>> {
  const found = new Map<string, UpsertedRelease>();
  const missing = new Set<string>();
  for (const key of keys) {
    const release = batch.releases.get(key);
    if (release) found.set(key, release);
    else missing.add(key);
  }
  if (!missing.size) {
    return found;
  }
  const pairs = [...missing].map(key => key.split('\u0000'));
  const { trx } = batch;
  const ofEntities = oneOf('entity_ref', [
    ...new Set(pairs.map(pair => pair[0])),
  ]);
  const ofVersions = oneOf('version', [...new Set(pairs.map(pair => pair[1]))]);
  const rows: Array<{ entity_ref: string; version: string } & UpsertedRelease> =
    await named(
      trx,
      trx(RELEASES)
        .whereRaw(ofEntities.sql, ofEntities.bindings)
        .whereRaw(ofVersions.sql, ofVersions.bindings)
        .select('entity_ref', 'version', 'version_key', 'commit_sha'),
      'releases_of_v1',
      ofEntities,
      ofVersions,
    );
  for (const row of rows) {
    const key = keyOf(row.entity_ref, row.version);
    if (missing.has(key)) {
      found.set(key, {
        version_key: row.version_key,
        commit_sha: row.commit_sha,
      });
    }
  }
  return found;
}

/** Releases: one row per (entity, version) with its stages, image and first sighting. */
export async function projectReleases(
  batch: ProjectionBatch,
  events: ReleaseEvent[],
  versions: EventVersions,
): Promise<void> {
  const rows = new Map<string, ReleaseRow>();
  for (const event of events) {
    const version = versions.get(event)!;
    const at = batch.at(event);
    const key = keyOf(event.entityRef, version);
    let row = rows.get(key);
    if (!row) {
      row = emptyReleaseRow(event.entityRef, version, at);
      rows.set(key, row);
    }
    foldReleaseEvent(row, event, at);
  }
  for (const row of rows.values()) {
    row.version_key = versionSortKey(row.version, new Date(row.first_seen_at));
  }
  const upserted = await insertRows<
    ReleaseRow,
    { entity_ref: string; version: string } & UpsertedRelease
  >(batch.trx, {
    table: RELEASES,
    columns: RELEASE_COLUMNS,
    rows: [...rows.values()],
    conflict: ['entity_ref', 'version'],
    merge: releaseMerge(),
    returning: ['entity_ref', 'version', 'version_key', 'commit_sha'],
  });
  for (const row of upserted) {
    batch.releases.set(keyOf(row.entity_ref, row.version), {
      version_key: row.version_key,
      commit_sha: row.commit_sha,
    });
  }
}
