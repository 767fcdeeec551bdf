import { Knex } from 'knex';
import { DeploymentRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, chunks, keyOf } from './batch';
import {
  TouchedDeliveryTimes,
  projectDeliveryBuckets,
} from './projectDeliveryBuckets';

const FINISHED = TABLES.finishedDeployments;
const LEAD_TIMES = TABLES.commitLeadTimes;
const MARKS = TABLES.leadTimeMarks;

/** The label that makes a release unplanned work (DORA's rework rate). */
const HOTFIX_LABEL = 'hotfix';

/** What the metrics need of a finished deployment's release: its order key and its commit's position. */
interface ReleaseFacts {
  versionKey?: string;
  position?: number;
}

type FinishedDeployment = DeploymentRow & {
  id: string | number;
  finished_at: number;
};

function isFinished(row: DeploymentRow): row is FinishedDeployment {
  return (
    (row.status === 'succeeded' || row.status === 'failed') &&
    row.finished_at !== null &&
    row.id !== undefined
  );
}

/** The release order key and commit position of each finished deployment, in two queries per batch. */
async function loadReleaseFacts(
  { trx }: ProjectionBatch,
  rows: FinishedDeployment[],
): Promise<Map<FinishedDeployment, ReleaseFacts>> {
  const entityRefs = [...new Set(rows.map(row => row.entity_ref))];
  const releases: Array<{
    entity_ref: string;
    version: string;
    version_key: string;
    commit_sha: string | null;
  }> = await trx(TABLES.releases)
    .whereIn('entity_ref', entityRefs)
    .whereIn('version', [...new Set(rows.map(row => row.version))])
    .select('entity_ref', 'version', 'version_key', 'commit_sha');
  const releaseOf = new Map(
    releases.map(r => [keyOf(r.entity_ref, r.version), r]),
  );
  const shaOf = (row: FinishedDeployment) =>
    row.commit_sha ??
    releaseOf.get(keyOf(row.entity_ref, row.version))?.commit_sha ??
    undefined;
  const shas = [...new Set(rows.map(shaOf).filter(Boolean))] as string[];
  const positions: Array<{
    entity_ref: string;
    sha: string;
    position: unknown;
  }> = shas.length
    ? await trx(TABLES.commits)
        .whereIn('entity_ref', entityRefs)
        .whereIn('sha', shas)
        .select('entity_ref', 'sha', 'position')
    : [];
  const positionOf = new Map(
    positions.map(p => [keyOf(p.entity_ref, p.sha), Number(p.position)]),
  );
  return new Map(
    rows.map(row => [
      row,
      {
        versionKey: releaseOf.get(keyOf(row.entity_ref, row.version))
          ?.version_key,
        position: positionOf.get(keyOf(row.entity_ref, shaOf(row))),
      },
    ]),
  );
}

/** Whether the commits since the previous release (by version order) include a pull request labelled hotfix. */
async function containsHotfix(
  trx: Knex.Transaction,
  entityRef: string,
  release: ReleaseFacts,
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

const inEnvironment = (row: FinishedDeployment) => ({
  entity_ref: row.entity_ref,
  environment: row.environment,
});

/** A rollback marks the finished deployment before it in the environment as rolled back. */
async function markRolledBack(
  trx: Knex.Transaction,
  row: FinishedDeployment,
  touched: TouchedDeliveryTimes,
) {
  const previous: { deployment_id: unknown; finished_at: unknown } | undefined =
    await trx(FINISHED)
      .where(inEnvironment(row))
      .where('finished_at', '<', row.finished_at)
      .orderBy([
        { column: 'finished_at', order: 'desc' },
        { column: 'deployment_id', order: 'desc' },
      ])
      .first('deployment_id', 'finished_at');
  if (previous) {
    await trx(FINISHED)
      .where({ deployment_id: previous.deployment_id })
      .update({ rolled_back: true });
    touched.add(row, Number(previous.finished_at));
  }
}

/**
 * A success recovers the failing deployments (failed or rolled back) since the success before it;
 * one reported late also moves an earlier recovery back to its finish.
 */
async function recoverFailing(
  trx: Knex.Transaction,
  row: FinishedDeployment,
  touched: TouchedDeliveryTimes,
) {
  const previousSuccess: { finished_at: unknown } | undefined = await trx(
    FINISHED,
  )
    .where(inEnvironment(row))
    .where('status', 'succeeded')
    .where('finished_at', '<', row.finished_at)
    .orderBy('finished_at', 'desc')
    .first('finished_at');
  const recovering = () =>
    trx(FINISHED)
      .where(inEnvironment(row))
      .where('finished_at', '<', row.finished_at)
      .modify(query => {
        if (previousSuccess) {
          query.where('finished_at', '>=', Number(previousSuccess.finished_at));
        }
      })
      .where(q => q.where('status', 'failed').orWhere('rolled_back', true))
      .where(q =>
        q
          .whereNull('recovered_at')
          .orWhere('recovered_at', '>', row.finished_at),
      );
  const earliest: { at: unknown } | undefined = await recovering().first({
    at: trx.raw('MIN(finished_at)'),
  });
  if (earliest?.at !== null && earliest?.at !== undefined) {
    touched.add(row, Number(earliest.at));
    await recovering().update({ recovered_at: row.finished_at });
  }
}

/** A failure reported after the success that followed it is recovered by that success. */
async function recoveredLater(trx: Knex.Transaction, row: FinishedDeployment) {
  const next: { finished_at: unknown } | undefined = await trx(FINISHED)
    .where(inEnvironment(row))
    .where('status', 'succeeded')
    .where('finished_at', '>', row.finished_at)
    .orderBy('finished_at', 'asc')
    .first('finished_at');
  if (next) {
    await trx(FINISHED)
      .where({ deployment_id: row.id })
      .update({ recovered_at: Number(next.finished_at) });
  }
}

/**
 * A success delivers every commit up to its release's position not delivered to the environment
 * before: their lead times end at its finish. One reported late (finishing before deliveries already
 * recorded) moves the commits it contains back to its finish.
 */
async function deliverCommits(
  trx: Knex.Transaction,
  row: FinishedDeployment,
  position: number,
  touched: TouchedDeliveryTimes,
) {
  const at = row.finished_at;
  const mark: { position: unknown; deployed_at: unknown } | undefined =
    await trx(MARKS).where(inEnvironment(row)).first('position', 'deployed_at');
  const high = Number(mark?.position ?? 0);
  if (position > high) {
    const commits: Array<{
      sha: string;
      position: unknown;
      committed_at: unknown;
      git_committed_at: unknown;
    }> = await trx(TABLES.commits)
      .where('entity_ref', row.entity_ref)
      .where('position', '>', high)
      .where('position', '<=', position)
      .select('sha', 'position', 'committed_at', 'git_committed_at');
    const leadRows = commits.map(commit => ({
      ...inEnvironment(row),
      sha: commit.sha,
      position: Number(commit.position),
      // A commit time after the deployment (a skewed clock) counts as a lead time of zero.
      started_at: Math.min(
        Number(commit.git_committed_at ?? commit.committed_at),
        at,
      ),
      deployed_at: at,
      deployment_id: row.id,
    }));
    for (const part of chunks(leadRows)) {
      await trx(LEAD_TIMES)
        .insert(part)
        .onConflict(['entity_ref', 'environment', 'sha'])
        .ignore();
    }
  }
  if (mark && at < Number(mark.deployed_at)) {
    touched.add(row, Number(mark.deployed_at));
    await trx(LEAD_TIMES)
      .where(inEnvironment(row))
      .where('deployed_at', '>', at)
      .where('position', '<=', position)
      .update({
        deployed_at: at,
        deployment_id: row.id,
        started_at: trx.raw(
          'CASE WHEN started_at > ? THEN ? ELSE started_at END',
          [at, at],
        ),
      });
  }
  await trx(MARKS)
    .insert({ ...inEnvironment(row), position, deployed_at: at })
    .onConflict(['entity_ref', 'environment'])
    .merge({
      position: trx.raw(
        `CASE WHEN excluded.position > ${MARKS}.position THEN excluded.position ELSE ${MARKS}.position END`,
      ),
      deployed_at: trx.raw(
        `CASE WHEN excluded.deployed_at > ${MARKS}.deployed_at THEN excluded.deployed_at ELSE ${MARKS}.deployed_at END`,
      ),
    });
}

async function recordFinished(
  trx: Knex.Transaction,
  row: FinishedDeployment,
  release: ReleaseFacts,
  touched: TouchedDeliveryTimes,
) {
  const inserted = await trx(FINISHED)
    .insert({
      deployment_id: row.id,
      ...inEnvironment(row),
      version: row.version,
      status: row.status,
      finished_at: row.finished_at,
      was_rollback: Boolean(row.rollback),
      hotfix: await containsHotfix(trx, row.entity_ref, release),
    })
    .onConflict('deployment_id')
    .ignore()
    .returning('deployment_id');
  if (!inserted.length) {
    return;
  }
  touched.add(row, row.finished_at);
  if (row.status === 'failed') {
    await recoveredLater(trx, row);
    return;
  }
  if (row.rollback) {
    await markRolledBack(trx, row, touched);
  }
  await recoverFailing(trx, row, touched);
  if (release.position !== undefined) {
    await deliverCommits(trx, row, release.position, touched);
  }
}

/**
 * The delivery read models behind DORA metrics, from the deployments the batch created or finished:
 * finished deployments with their rollback, hotfix and recovery facts, the commits each success
 * delivered, and the day and week buckets of the times these changed. Kept for every environment;
 * the metrics choose the production one when they read.
 */
export async function projectDeliveryMetrics(
  batch: ProjectionBatch,
  deployments: DeploymentRow[],
): Promise<void> {
  const finished = deployments
    .filter(isFinished)
    .sort(
      (a, b) =>
        Number(a.finished_at) - Number(b.finished_at) ||
        Number(a.id) - Number(b.id),
    );
  if (!finished.length) {
    return;
  }
  const facts = await loadReleaseFacts(batch, finished);
  const touched = new TouchedDeliveryTimes();
  for (const row of finished) {
    await recordFinished(batch.trx, row, facts.get(row)!, touched);
  }
  await projectDeliveryBuckets(batch.trx, touched);
}
