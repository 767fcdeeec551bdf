import { DeploymentRow } from '../rows';
import { TABLES } from '../tables';
import { ProjectionBatch, keyOf } from './batch';
import { columnsOf, insertRows } from './insertRows';

const STATE = TABLES.environmentState;
const STATE_COLUMNS = [
  ...columnsOf('text', 'entity_ref', 'environment'),
  ...columnsOf('bigint', 'current_deployment_id', 'current_at'),
  ...columnsOf('bigint', 'attempt_deployment_id', 'attempt_at'),
];

interface EnvironmentStateRow {
  entity_ref: string;
  environment: string;
  current_deployment_id: string | number | null;
  current_at: number | null;
  attempt_deployment_id: string | number | null;
  attempt_at: number | null;
}

/** Per (entity, environment): the newest attempt and the newest success among the changed deployments. */
function foldStateRows(deployments: DeploymentRow[]): EnvironmentStateRow[] {
  const stateRows = new Map<string, EnvironmentStateRow>();
  for (const row of deployments) {
    const key = keyOf(row.entity_ref, row.environment);
    const state = stateRows.get(key) ?? {
      entity_ref: row.entity_ref,
      environment: row.environment,
      current_deployment_id: null,
      current_at: null,
      attempt_deployment_id: null,
      attempt_at: null,
    };
    const attemptAt = Number(row.sort_at);
    if (state.attempt_at === null || attemptAt >= state.attempt_at) {
      state.attempt_deployment_id = row.id!;
      state.attempt_at = attemptAt;
    }
    if (row.status === 'succeeded') {
      const currentAt = Number(row.finished_at ?? row.sort_at);
      if (state.current_at === null || currentAt >= state.current_at) {
        state.current_deployment_id = row.id!;
        state.current_at = currentAt;
      }
    }
    stateRows.set(key, state);
  }
  return [...stateRows.values()];
}

/** Each side (current, attempt) moves only to a newer deployment; its id and time move together. */
function stateMerge(): Record<string, string> {
  const newer = (column: 'current' | 'attempt') =>
    `excluded.${column}_at IS NOT NULL AND (${STATE}.${column}_at IS NULL OR excluded.${column}_at >= ${STATE}.${column}_at)`;
  const merge: Record<string, string> = {};
  for (const side of ['current', 'attempt'] as const) {
    for (const field of ['deployment_id', 'at']) {
      const column = `${side}_${field}`;
      merge[column] = `CASE WHEN ${newer(
        side,
      )} THEN excluded.${column} ELSE ${STATE}.${column} END`;
    }
  }
  return merge;
}

/** The state per environment moves to the newest attempt and the newest success. */
export async function projectEnvironmentState(
  batch: ProjectionBatch,
  deployments: DeploymentRow[],
): Promise<void> {
  await insertRows(batch.trx, {
    table: STATE,
    columns: STATE_COLUMNS,
    rows: foldStateRows(deployments),
    conflict: ['entity_ref', 'environment'],
    merge: stateMerge(),
  });
}
