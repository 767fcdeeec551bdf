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

function stateFromRow(row: Record<string, unknown>): EnvironmentStateRecord {
  const current = sideFromRow(row, 'c');
  if (current) {
    current.releaseRank = toNumber(row.c_release_rank);
  }
  return {
    environment: String(row.environment),
    current,
    attempt: sideFromRow(row, 'a'),
  };
}

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
   * commit position of each, and the running release's rank (from the rollup cell), in one indexed
   * query: the matrix's hot path.
   */
  async getEnvironmentStates(
    entityRef: string,
  ): Promise<EnvironmentStateRecord[]> {
    const query = this.db(`${TABLES.environmentState} as s`)
      .where('s.entity_ref', entityRef)
      .select([
        's.environment',
        ...sideColumns('c'),
        ...sideColumns('a'),
        'x.current_release_rank as c_release_rank',
      ])
      .leftJoin(`${TABLES.rollupCells} as x`, join =>
        join
          .on('x.entity_ref', 's.entity_ref')
          .andOn('x.environment', 's.environment'),
      );
    this.joinSide(query, 'c', 's.current_deployment_id');
    this.joinSide(query, 'a', 's.attempt_deployment_id');
    if (this.isPostgres) {
      // A named statement is planned once per connection: planning this join costs more than running it.
      query.options({ name: 'shiplog_environment_states_v2' });
    }
    const rows: Array<Record<string, unknown>> = await query;
    return rows.map(stateFromRow);
  }

  /** Joins a side's deployment, release and commit. */
  private joinSide(query: Knex.QueryBuilder, side: Side, idColumn: string) {
    query
      .leftJoin(`${TABLES.deployments} as ${side}`, `${side}.id`, idColumn)
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
