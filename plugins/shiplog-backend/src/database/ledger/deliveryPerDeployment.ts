import { Knex } from 'knex';
import { TABLES } from '../tables';
import { chunks } from './batch';
import {
  FinishedDeployment,
  ReleaseFacts,
  inEnvironment,
  raiseMarks,
} from './deliveryFacts';
import { TouchedDeliveryTimes } from './projectDeliveryBuckets';

/*
 * The delivery facts of one finished deployment, folded in by reading and updating what the database
 * holds for its environment: right for any arrival order (a success or failure reported late moves
 * recoveries and lead times back), at about ten statements a deployment. Ingest uses it for the
 * (environment, component) pairs a batch does not extend strictly in time order; `deliveryInOrder`
 * folds the rest in memory.
 */

const FINISHED = TABLES.finishedDeployments;
const LEAD_TIMES = TABLES.commitLeadTimes;

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
    await trx(TABLES.leadTimeMarks)
      .where(inEnvironment(row))
      .first('position', 'deployed_at');
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
  await raiseMarks(trx, [{ ...inEnvironment(row), position, deployed_at: at }]);
}

export async function recordFinished(
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
      hotfix: release.hotfix,
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
