import { Knex } from 'knex';
import { DeploymentRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, chunks } from './batch';
import {
  FinishedDeployment,
  isFinished,
  loadReleaseFacts,
} from './deliveryFacts';
import {
  DeliveryGroup,
  extendsInOrder,
  loadHistories,
  pairKey,
} from './deliveryHistories';
import { foldInOrder } from './deliveryInOrder';
import { named, oneOf } from './statements';
import { recordFinished } from './deliveryPerDeployment';
import {
  TouchedDeliveryTimes,
  projectDeliveryBuckets,
} from './projectDeliveryBuckets';

/**
 * The finished deployments not recorded yet: a deployment's delivery facts are folded in once. Only
 * stored deployments the batch finished are looked up: one the batch created has no record yet.
 */
async function withoutRecorded(
  trx: Knex.Transaction,
  rows: FinishedDeployment[],
  created: ReadonlySet<DeploymentRow>,
): Promise<FinishedDeployment[]> {
  const recorded = new Set<string>();
  const stored = rows.filter(row => !created.has(row));
  for (const part of chunks(stored)) {
    const ofIds = oneOf(
      'deployment_id',
      part.map(row => row.id),
    );
    const found: Array<{ deployment_id: unknown }> = await named(
      trx,
      trx(TABLES.finishedDeployments)
        .whereRaw(ofIds.sql, ofIds.bindings)
        .select('deployment_id'),
      'recorded_deployments_v1',
      ofIds,
    );
    for (const row of found) recorded.add(String(row.deployment_id));
  }
  return rows.filter(row => !recorded.has(String(row.id)));
}

/** The rows per (environment, component), each list in time order as `rows` is. */
function groupByEnvironment(rows: FinishedDeployment[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const row of rows) {
    const key = pairKey(row);
    const group = groups.get(key) ?? { key, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * The delivery read models behind DORA metrics, from the deployments the batch created or finished:
 * finished deployments with their rollback, hotfix and recovery facts, the commits each success
 * delivered, and the day and week buckets of the times these changed. Kept for every environment;
 * the metrics choose the production one when they read. An environment the batch extends in time
 * order is folded in memory and written in bulk; any other is folded one deployment at a time
 * against what the database holds (`batch.deliveryFold: 'per-deployment'` forces that everywhere).
 */
export async function projectDeliveryMetrics(
  batch: ProjectionBatch,
  deployments: DeploymentRow[],
  created: ReadonlySet<DeploymentRow>,
): Promise<void> {
  const { trx } = batch;
  const finished = await withoutRecorded(
    trx,
    deployments
      .filter(isFinished)
      .sort(
        (a, b) =>
          Number(a.finished_at) - Number(b.finished_at) ||
          Number(a.id) - Number(b.id),
      ),
    created,
  );
  if (!finished.length) {
    return;
  }
  const facts = await loadReleaseFacts(batch, finished);
  const touched = new TouchedDeliveryTimes();
  const groups = groupByEnvironment(finished);
  const perDeploymentOnly = batch.deliveryFold === 'per-deployment';
  const histories = perDeploymentOnly
    ? new Map()
    : await loadHistories(trx, groups);
  const inOrder = groups.filter(
    group =>
      !perDeploymentOnly &&
      extendsInOrder(group, histories.get(group.key) ?? {}),
  );
  await foldInOrder(trx, inOrder, histories, facts);
  const folded = new Set(inOrder);
  for (const group of groups.filter(g => !folded.has(g))) {
    for (const row of group.rows) {
      await recordFinished(trx, row, facts.get(row)!, touched);
    }
  }
  await projectDeliveryBuckets(trx, touched);
}
