import { Knex } from 'knex';
import { DeploymentRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, chunks, keyOf } from './batch';
import { commitPositions } from './projectCommits';
import { loadReleases } from './projectReleases';
import { named, oneOf } from './statements';

/** The label that makes a release unplanned work (DORA's rework rate). */
const HOTFIX_LABEL = 'hotfix';

/** What the metrics need of a finished deployment's release: its order key and its commit's position. */
export interface ReleaseFacts {
  versionKey?: string;
  position?: number;
  /** Whether the commits since the previous release include a pull request labelled hotfix. */
  hotfix: boolean;
}

export type FinishedDeployment = DeploymentRow & {
  id: string | number;
  finished_at: number;
};

export function isFinished(row: DeploymentRow): row is FinishedDeployment {
  return (
    (row.status === 'succeeded' || row.status === 'failed') &&
    row.finished_at !== null &&
    row.id !== undefined
  );
}

/** The (environment, component) a finished deployment belongs to: every delivery fact is scoped by it. */
export const inEnvironment = (row: {
  entity_ref: string;
  environment: string;
}) => ({
  entity_ref: row.entity_ref,
  environment: row.environment,
});

/** Whether the commits since the previous release (by version order) include a pull request labelled hotfix. */
async function containsHotfix(
  trx: Knex.Transaction,
  entityRef: string,
  release: Omit<ReleaseFacts, 'hotfix'>,
): Promise<boolean> {
  if (release.position === undefined || release.versionKey === undefined) {
    return false;
  }
  const previous: { position: unknown } | undefined = await trx(
    `${TABLES.releases} as r`,
  )
    .join(`${TABLES.commits} as c`, join =>
      join.on('c.entity_ref', 'r.entity_ref').andOn('c.sha', 'r.commit_sha'),
    )
    .where('r.entity_ref', entityRef)
    .where('r.version_key', '<', release.versionKey)
    .orderBy('r.version_key', 'desc')
    .first('c.position');
  const labelRows: Array<{ labels: string }> = await trx(
    `${TABLES.commits} as c`,
  )
    .join(`${TABLES.pullRequests} as p`, join =>
      join.on('p.entity_ref', 'c.entity_ref').andOn('p.number', 'c.pr_number'),
    )
    .where('c.entity_ref', entityRef)
    .where('c.position', '>', Number(previous?.position ?? 0))
    .where('c.position', '<=', release.position)
    .select('p.labels');
  return labelRows.some(row =>
    (JSON.parse(row.labels) as string[]).some(
      label => label.toLocaleLowerCase('en-US') === HOTFIX_LABEL,
    ),
  );
}

/**
 * The components with any pull request whose labels mention hotfix, in one query per chunk: only
 * their releases need the exact check, which costs two queries per deployment. The match is a
 * superset of the exact one (a label that lower-cases to "hotfix" contains it in any case).
 */
async function componentsWithHotfixLabels(
  trx: Knex.Transaction,
  entityRefs: string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(entityRefs)) {
    const ofEntities = oneOf(trx, 'entity_ref', part);
    const rows: Array<{ entity_ref: string }> = await named(
      trx,
      trx(TABLES.pullRequests)
        .whereRaw(ofEntities.sql, ofEntities.bindings)
        .whereRaw('LOWER(labels) LIKE ?', [`%${HOTFIX_LABEL}%`])
        .distinct('entity_ref'),
      'hotfix_components_v1',
      ofEntities,
    );
    for (const row of rows) found.add(row.entity_ref);
  }
  return found;
}

/**
 * The release order key, commit position and hotfix flag of each finished deployment's release: the
 * releases come from the batch's upsert (a finished deployment is of a version the batch named), the
 * positions in one query, plus the exact hotfix check for components that have hotfix labels at all.
 */
export async function loadReleaseFacts(
  batch: ProjectionBatch,
  rows: FinishedDeployment[],
): Promise<Map<FinishedDeployment, ReleaseFacts>> {
  const { trx } = batch;
  const entityRefs = [...new Set(rows.map(row => row.entity_ref))];
  const releaseOf = await loadReleases(
    batch,
    rows.map(row => keyOf(row.entity_ref, row.version)),
  );
  const shaOf = (row: FinishedDeployment) =>
    row.commit_sha ??
    releaseOf.get(keyOf(row.entity_ref, row.version))?.commit_sha ??
    undefined;
  const commits = new Map<string, readonly [string, string]>();
  for (const row of rows) {
    const sha = shaOf(row);
    if (sha) commits.set(keyOf(row.entity_ref, sha), [row.entity_ref, sha]);
  }
  const positions = await commitPositions(trx, [...commits.values()]);
  const positionOf = new Map(
    positions.map(p => [keyOf(p.entity_ref, p.sha), Number(p.position)]),
  );
  const withHotfixLabels = await componentsWithHotfixLabels(trx, entityRefs);
  const facts = new Map<FinishedDeployment, ReleaseFacts>();
  for (const row of rows) {
    const release = {
      versionKey: releaseOf.get(keyOf(row.entity_ref, row.version))
        ?.version_key,
      position: positionOf.get(keyOf(row.entity_ref, shaOf(row))),
    };
    const hotfix =
      withHotfixLabels.has(row.entity_ref) &&
      (await containsHotfix(trx, row.entity_ref, release));
    facts.set(row, { ...release, hotfix });
  }
  return facts;
}

/** A lead-time mark: the highest commit position delivered to an environment, and when. */
export interface LeadTimeMark {
  entity_ref: string;
  environment: string;
  position: number;
  deployed_at: number;
}

/** Raises the marks: each keeps the higher of its stored and new position and time. */
export async function raiseMarks(trx: Knex.Transaction, marks: LeadTimeMark[]) {
  const MARKS = TABLES.leadTimeMarks;
  const higher = (column: string) =>
    trx.raw(
      `CASE WHEN excluded.${column} > ${MARKS}.${column} THEN excluded.${column} ELSE ${MARKS}.${column} END`,
    );
  for (const part of chunks(marks)) {
    await trx(MARKS)
      .insert(part)
      .onConflict(['entity_ref', 'environment'])
      .merge({
        position: higher('position'),
        deployed_at: higher('deployed_at'),
      });
  }
}
