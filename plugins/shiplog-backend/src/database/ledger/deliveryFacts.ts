import { Knex } from 'knex';
import { DeploymentRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, chunks, keyOf } from './batch';
import { columnsOf, insertRows } from './insertRows';
import { loadReleases } from './projectReleases';
import { selectOverTuples } from './statements';

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

interface CommitFacts {
  entity_ref: string;
  sha: string;
  position: unknown;
  /** Whether any of the component's pull requests has a label mentioning hotfix. */
  hotfix_labels: unknown;
}

/**
 * The positions of the (component, sha) commits, each with whether its component has any pull request
 * whose labels mention hotfix (once per component): only those releases need the exact check, which
 * costs two queries per deployment. The match is a superset of the exact one (a label that
 * lower-cases to "hotfix" contains it in any case). A release whose commit has no position is no
 * hotfix, so components without found commits need no answer.
 */
async function commitFacts(
  trx: Knex.Transaction,
  commits: ReadonlyArray<readonly [entityRef: string, sha: string]>,
): Promise<CommitFacts[]> {
  const found: CommitFacts[] = [];
  for (const part of chunks([...commits])) {
    found.push(
      ...(await selectOverTuples<CommitFacts>(
        trx,
        { name: 'commit_facts_v1', tuples: 'wanted' },
        [
          { name: 'entity_ref', type: 'text' },
          { name: 'sha', type: 'text' },
        ],
        part,
        // A second table expression after `wanted`: the components with hotfix labels, once each.
        `, flagged AS (
           SELECT DISTINCT p.entity_ref FROM ${TABLES.pullRequests} p
           WHERE p.entity_ref IN (SELECT entity_ref FROM wanted)
             AND LOWER(p.labels) LIKE '%${HOTFIX_LABEL}%')
         SELECT c.entity_ref, c.sha, c.position,
           CASE WHEN flagged.entity_ref IS NULL THEN 0 ELSE 1 END AS hotfix_labels
         FROM wanted CROSS JOIN ${TABLES.commits} c
         LEFT JOIN flagged ON flagged.entity_ref = c.entity_ref
         WHERE c.entity_ref = wanted.entity_ref AND c.sha = wanted.sha`,
      )),
    );
  }
  return found;
}

/**
 * The release order key, commit position and hotfix flag of each finished deployment's release: the
 * releases come from the batch's upsert (a finished deployment is of a version the batch named), the
 * positions (and which components have hotfix labels at all) in one query, plus the exact hotfix
 * check for those components.
 */
export async function loadReleaseFacts(
  batch: ProjectionBatch,
  rows: FinishedDeployment[],
): Promise<Map<FinishedDeployment, ReleaseFacts>> {
  const { trx } = batch;
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
  const found = await commitFacts(trx, [...commits.values()]);
  const positionOf = new Map(
    found.map(p => [keyOf(p.entity_ref, p.sha), Number(p.position)]),
  );
  const withHotfixLabels = new Set(
    found.filter(p => Number(p.hotfix_labels)).map(p => p.entity_ref),
  );
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
    `CASE WHEN excluded.${column} > ${MARKS}.${column} THEN excluded.${column} ELSE ${MARKS}.${column} END`;
  await insertRows(trx, {
    table: MARKS,
    columns: [
      ...columnsOf('text', 'entity_ref', 'environment'),
      ...columnsOf('bigint', 'position', 'deployed_at'),
    ],
    rows: marks,
    conflict: ['entity_ref', 'environment'],
    merge: { position: higher('position'), deployed_at: higher('deployed_at') },
  });
}
