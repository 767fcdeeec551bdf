import { Knex } from 'knex';
import { DeploymentRow, deploymentFromRow, orUndefined } from '../rows';
import { TABLES } from '../tables';
import { DeployEventRecord, DeploymentRecord } from '../types';
import { DeploymentStore, DeployTarget, ListDeploymentsOptions } from './types';

const DEPLOYMENTS = TABLES.deployments;
const EVENTS = TABLES.events;

/** A deploy that happened this much before it was reported still counts (senders' clock skew). */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

const DEPLOY_EVENT_COLUMNS = [
  'id',
  'entity_ref',
  'environment',
  'version',
  'commit_sha',
  'status',
  'run_url',
  'occurred_at',
  'received_at',
];

function toDeployEvent(row: Record<string, unknown>): DeployEventRecord {
  return {
    id: String(row.id),
    entityRef: String(row.entity_ref),
    environment: String(row.environment),
    version: orUndefined(row.version as string | null),
    commitSha: orUndefined(row.commit_sha as string | null),
    status: row.status as DeployEventRecord['status'],
    runUrl: orUndefined(row.run_url as string | null),
    occurredAt: Number(row.occurred_at),
    receivedAt: Number(row.received_at),
  };
}

/** Deployments from the `shiplog_deployments` read model, and deploy events from the ledger itself. */
export class DatabaseDeploymentStore implements DeploymentStore {
  constructor(private readonly db: Knex) {}

  async listDeployments(
    entityRef: string,
    options: ListDeploymentsOptions,
  ): Promise<DeploymentRecord[]> {
    const query = this.db<DeploymentRow>(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.environment) {
      query.where({ environment: options.environment });
    }
    if (options.status) {
      query.where({ status: options.status });
    }
    if (options.after) {
      const { sortAt, id } = options.after;
      query.where(q =>
        q
          .where('sort_at', '<', sortAt)
          .orWhere(q2 => q2.where('sort_at', '=', sortAt).where('id', '<', id)),
      );
    }
    const rows: DeploymentRow[] = await query;
    return rows.map(deploymentFromRow);
  }

  async latestDeploymentsOfVersions(
    entityRef: string,
    versions: string[],
  ): Promise<DeploymentRecord[]> {
    if (!versions.length) {
      return [];
    }
    const rows: DeploymentRow[] = await this.db(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .whereIn('version', versions)
      .orderBy([
        { column: 'sort_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    const latest = new Map<string, DeploymentRecord>();
    for (const row of rows) {
      latest.set(
        `${row.version}\u0000${row.environment}`,
        deploymentFromRow(row),
      );
    }
    return [...latest.values()];
  }

  async hasSucceededIn(
    entityRef: string,
    environment: string,
    version: string,
  ): Promise<boolean> {
    const row = await this.db(DEPLOYMENTS)
      .where({
        entity_ref: entityRef,
        version,
        environment,
        status: 'succeeded',
      })
      .first('id');
    return Boolean(row);
  }

  async deployEventsSince(
    target: DeployTarget,
    since: number,
  ): Promise<DeployEventRecord[]> {
    const rows: Array<Record<string, unknown>> = await this.db(EVENTS)
      .where({
        entity_ref: target.entityRef,
        type: 'deploy',
        environment: target.environment,
      })
      // Only deployments from after the request (with some slack for clock skew): a late report of an
      // earlier deploy of the same version must not settle this promotion.
      .where('occurred_at', '>=', since - CLOCK_SKEW_MS)
      .where('received_at', '>=', since)
      .where(q => {
        q.where('version', target.version);
        if (target.commitSha) {
          q.orWhere(q2 =>
            q2.whereNull('version').where('commit_sha', target.commitSha!),
          );
        }
      })
      .orderBy([
        { column: 'occurred_at', order: 'asc' },
        { column: 'received_at', order: 'asc' },
      ])
      .select(DEPLOY_EVENT_COLUMNS);
    return rows.map(toDeployEvent);
  }

  async recentDeploySuccesses(
    receivedSince: number,
    occurredSince: number,
    limit = 500,
  ): Promise<DeployEventRecord[]> {
    const rows: Array<Record<string, unknown>> = await this.db(EVENTS)
      .where({ type: 'deploy', status: 'succeeded' })
      .where('received_at', '>=', receivedSince)
      .where('occurred_at', '>=', occurredSince)
      .orderBy('received_at', 'asc')
      .limit(limit)
      .select(DEPLOY_EVENT_COLUMNS);
    return rows.map(toDeployEvent);
  }
}
