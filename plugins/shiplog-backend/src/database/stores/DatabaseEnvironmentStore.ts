import { Knex } from 'knex';
import {
  DEPLOYMENT_COLUMNS,
  DeploymentRow,
  deploymentFromRow,
  orUndefined,
  toNumber,
} from '../rows';
import { TABLES } from '../tables';
import { EnvironmentStateRecord, MatrixDeploymentRecord } from '../types';
import { EnvironmentStore } from './types';

type Side = 'c' | 'a';

/** The deployment's columns, its release's order key and commit, and the commit's position, per side. */
function sideColumns(side: Side): string[] {
  return [
    ...DEPLOYMENT_COLUMNS.map(
      column => `${side}.${column} as ${side}_${column}`,
    ),
    `${side}r.version_key as ${side}_version_key`,
    `${side}r.commit_sha as ${side}_release_sha`,
    `${side}p.position as ${side}_position`,
  ];
}

function sideFromRow(
  row: Record<string, unknown>,
  side: Side,
): MatrixDeploymentRecord | undefined {
  if (row[`${side}_id`] === null || row[`${side}_id`] === undefined) {
    return undefined;
  }
  const deployment = deploymentFromRow(
    Object.fromEntries(
      DEPLOYMENT_COLUMNS.map(column => [column, row[`${side}_${column}`]]),
    ) as unknown as DeploymentRow,
  );
  return {
    ...deployment,
    versionKey: orUndefined(row[`${side}_version_key`] as string | null),
    resolvedCommitSha:
      deployment.commitSha ??
      orUndefined(row[`${side}_release_sha`] as string | null),
    commitPosition: toNumber(row[`${side}_position`]),
  };
}

const stateFromRow = (
  row: Record<string, unknown>,
): EnvironmentStateRecord => ({
  environment: String(row.environment),
  current: sideFromRow(row, 'c'),
  attempt: sideFromRow(row, 'a'),
});

/** The state per environment from `shiplog_environment_state`, joined to what drift needs. */
export class DatabaseEnvironmentStore implements EnvironmentStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  async listEntityRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(
      TABLES.environmentState,
    )
      .distinct('entity_ref')
      .orderBy('entity_ref');
    return rows.map(row => row.entity_ref);
  }

  /**
   * What runs in each environment and what was last attempted, with the release order key, commit and
   * commit position of each, in one indexed query: the matrix's hot path.
   */
  async getEnvironmentStates(
    entityRef: string,
  ): Promise<EnvironmentStateRecord[]> {
    const query = this.db(`${TABLES.environmentState} as s`)
      .where('s.entity_ref', entityRef)
      .select(['s.environment', ...sideColumns('c'), ...sideColumns('a')]);
    this.joinSide(query, 'c', 's.current_deployment_id');
    this.joinSide(query, 'a', 's.attempt_deployment_id');
    if (this.isPostgres) {
      // A named statement is planned once per connection: planning this join costs more than running it.
      query.options({ name: 'shiplog_environment_states_v1' });
    }
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map(stateFromRow);
  }

  /**
   * The same for many components in one statement (org views), keyed by entity ref. Where the last
   * attempt is what runs (the usual case) its side is not joined again: half the index lookups.
   */
  async getEnvironmentStatesOf(
    entityRefs: string[],
  ): Promise<Map<string, EnvironmentStateRecord[]>> {
    const byEntity = new Map<string, EnvironmentStateRecord[]>();
    if (!entityRefs.length) {
      return byEntity;
    }
    const query = this.db(`${TABLES.environmentState} as s`)
      .whereIn('s.entity_ref', entityRefs)
      .select([
        's.entity_ref',
        's.environment',
        this.db.raw(
          's.attempt_deployment_id = s.current_deployment_id AS attempt_is_current',
        ),
        ...sideColumns('c'),
        ...sideColumns('a'),
      ]);
    this.joinSide(query, 'c', 's.current_deployment_id');
    this.joinSide(query, 'a', 's.attempt_deployment_id', true);
    const rows: Array<Record<string, unknown>> = await query;
    for (const row of rows) {
      const entityRef = String(row.entity_ref);
      const state = stateFromRow(row);
      if (row.attempt_is_current === true || row.attempt_is_current === 1) {
        state.attempt = state.current;
      }
      byEntity.set(entityRef, [...(byEntity.get(entityRef) ?? []), state]);
    }
    return byEntity;
  }

  /** Joins a side's deployment, release and commit; `unlessCurrent`: only where it is not the current one. */
  private joinSide(
    query: Knex.QueryBuilder,
    side: Side,
    idColumn: string,
    unlessCurrent = false,
  ) {
    query
      .leftJoin(`${TABLES.deployments} as ${side}`, join => {
        join.on(`${side}.id`, idColumn);
        if (unlessCurrent) {
          join.andOn(
            this.db.raw(
              `(s.current_deployment_id IS NULL OR ${idColumn} <> s.current_deployment_id)`,
            ),
          );
        }
      })
      .leftJoin(`${TABLES.releases} as ${side}r`, join =>
        join
          .on(`${side}r.entity_ref`, 's.entity_ref')
          .andOn(`${side}r.version`, `${side}.version`),
      )
      .leftJoin(`${TABLES.commits} as ${side}p`, join =>
        join
          .on(`${side}p.entity_ref`, 's.entity_ref')
          .andOn(
            `${side}p.sha`,
            this.db.raw(`COALESCE(${side}.commit_sha, ${side}r.commit_sha)`),
          ),
      );
  }
}
