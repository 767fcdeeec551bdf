import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ChangelogResponse,
  CommitSummary,
  Deployment,
  EnvironmentConfig,
  EnvironmentDeploymentSummary,
  EnvironmentStatus,
  EnvironmentsResponse,
  Page,
  Release,
  SHIPLOG_ANNOTATIONS,
  parseEnvironmentsAnnotation,
  uniquePullRequests,
} from '@shiplog/plugin-shiplog-common';
import {
  defaultEnvironment,
  environmentPolicyOf,
} from '../config/environmentPolicy';
import { LedgerStore } from '../database/LedgerStore';
import {
  CommitRecord,
  DeploymentRecord,
  MatrixDeploymentRecord,
  ReleaseRecord,
} from '../database/types';

const RELEASE_COMMITS_SHOWN = 100;
const UNDEPLOYED_COMMITS_SHOWN = 20;
const CHANGELOG_COMMITS_SHOWN = 1000;

const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string,
  isValid: (value: unknown) => value is T,
): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) {
      return value;
    }
  } catch {
    // reported below
  }
  throw new InputError(
    'cursor is not a cursor this API returned; start again without it',
  );
}

function toCommitSummary(commit: CommitRecord): CommitSummary {
  return {
    sha: commit.sha,
    message: commit.message,
    author: commit.author,
    pullRequest: commit.pullRequest,
  };
}

function toDeployment(record: DeploymentRecord): Deployment {
  return {
    id: record.id,
    environment: record.environment,
    version: record.version,
    commitSha: record.commitSha,
    status: record.status,
    startedAt: iso(record.startedAt),
    finishedAt: iso(record.finishedAt),
    updatedAt: new Date(record.updatedAt).toISOString(),
    actor: record.actor,
    runUrl: record.runUrl,
    source: record.source,
    rollback: record.rollback,
  };
}

function toSummary(
  record: MatrixDeploymentRecord,
): EnvironmentDeploymentSummary {
  return {
    deploymentId: record.id,
    version: record.version,
    commitSha: record.resolvedCommitSha,
    status: record.status,
    at: new Date(
      record.status === 'succeeded'
        ? record.finishedAt ?? record.sortAt
        : record.sortAt,
    ).toISOString(),
    actor: record.actor,
    runUrl: record.runUrl,
    rollback: record.rollback,
  };
}

/**
 * Answers the read endpoints from the ledger's read models: no history scans, a handful of indexed
 * lookups per request.
 */
export class LedgerService {
  constructor(
    private readonly store: LedgerStore,
    private readonly environments: EnvironmentConfig[],
  ) {}

  /** The configured environments, narrowed or reordered by the entity's annotation. */
  environmentsOf(entity: Entity): EnvironmentConfig[] {
    const narrowed = parseEnvironmentsAnnotation(
      entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.environments],
    );
    if (!narrowed) {
      return this.environments;
    }
    return narrowed.map(name => environmentPolicyOf(this.environments, name));
  }

  async getEnvironments(
    entityRef: string,
    entity: Entity,
  ): Promise<EnvironmentsResponse> {
    const states = await this.store.getEnvironmentStates(entityRef);
    const configured = this.environmentsOf(entity);
    // Environments that events reveal but config does not list still show, after the configured ones,
    // unless the entity's annotation narrowed the list on purpose.
    const narrowed = Boolean(
      entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.environments],
    );
    const extra = narrowed
      ? []
      : states
          .filter(
            state => !configured.some(env => env.name === state.environment),
          )
          .sort((a, b) => (a.attempt?.sortAt ?? 0) - (b.attempt?.sortAt ?? 0))
          .map(state => defaultEnvironment(state.environment));
    const ordered = [...configured, ...extra];
    // Without configured environments, the order events revealed is the promotion path.
    const pathLength = configured.length || ordered.length;

    const stateByEnv = new Map(states.map(state => [state.environment, state]));
    // Only the promotion path counts: a preview environment outside it does not make merged work "deployed".
    const configuredNames = new Set(configured.map(env => env.name));
    const positions = states
      .filter(
        state => configuredNames.has(state.environment) || !configured.length,
      )
      .map(state => state.current?.commitPosition)
      .filter((p): p is number => p !== undefined);
    const newestDeployed = Math.max(0, ...positions);
    // Everything below depends only on the state rows: run the counts together, not one after another.
    const undeployed = Promise.all([
      this.store.countCommitsBetween(entityRef, newestDeployed),
      this.store.listCommitsBetween(
        entityRef,
        newestDeployed,
        undefined,
        UNDEPLOYED_COMMITS_SHOWN,
      ),
    ]);
    const environments: EnvironmentStatus[] = await Promise.all(
      ordered.map(async (env, index) => {
        const state = stateByEnv.get(env.name);
        const current = state?.current;
        const attempt = state?.attempt;
        // Environments outside the configured order have no "previous" to drift from.
        const previous =
          index > 0 && index < pathLength ? ordered[index - 1] : undefined;
        const previousCurrent = previous
          ? stateByEnv.get(previous.name)?.current
          : undefined;
        const drift = {
          previousEnvironment: previous?.name,
          releasesBehind: 0,
          commitsBehind: 0,
          aheadOfPrevious: false,
        };
        const prevKey = previousCurrent?.versionKey;
        const ownKey = current ? current.versionKey : '';
        if (prevKey !== undefined && ownKey !== undefined) {
          if (prevKey > ownKey) {
            const prevPos = previousCurrent?.commitPosition;
            const ownPos = current ? current.commitPosition : 0;
            const [releasesBehind, commitsBehind] = await Promise.all([
              this.store.countReleasesBetween(entityRef, ownKey, prevKey),
              prevPos !== undefined && ownPos !== undefined && prevPos > ownPos
                ? this.store.countCommitsBetween(entityRef, ownPos, prevPos)
                : 0,
            ]);
            drift.releasesBehind = releasesBehind;
            drift.commitsBehind = commitsBehind;
          } else if (ownKey > prevKey) {
            drift.aheadOfPrevious = true;
          }
        }
        const attemptDiffers =
          attempt && (!current || attempt.id !== current.id);
        return {
          name: env.name,
          policy: {
            autoPromote: env.autoPromote,
            requiresApproval: env.requiresApproval,
            sync: env.sync,
            change: env.change,
          },
          current: current ? toSummary(current) : undefined,
          lastAttempt:
            attempt && attemptDiffers ? toSummary(attempt) : undefined,
          status: attempt?.status ?? current?.status ?? 'never_deployed',
          drift,
        };
      }),
    );

    const [undeployedCount, undeployedCommits] = await undeployed;
    return {
      entityRef,
      environments,
      undeployed: {
        commitCount: undeployedCount,
        commits: undeployedCommits.map(toCommitSummary),
      },
    };
  }

  async listReleases(
    entityRef: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<Release>> {
    const beforeKey = options.cursor
      ? decodeCursor(
          options.cursor,
          (v): v is { k: string } =>
            typeof v === 'object' &&
            v !== null &&
            typeof (v as { k: unknown }).k === 'string',
        ).k
      : undefined;
    // One more than the page: it tells whether there is a next page and bounds the last release's commits.
    const records = await this.store.listReleases(entityRef, {
      limit: options.limit + 1,
      beforeKey,
    });
    const page = records.slice(0, options.limit);
    const shas = records
      .map(r => r.commitSha)
      .filter((sha): sha is string => Boolean(sha));
    const [positions, deployments] = await Promise.all([
      this.store.getCommitPositions(entityRef, shas),
      this.store.latestDeploymentsOfVersions(
        entityRef,
        page.map(r => r.version),
      ),
    ]);
    const items = await Promise.all(
      page.map(async (record, index) => {
        const previous = records[index + 1];
        const own = record.commitSha
          ? positions.get(record.commitSha)
          : undefined;
        // Without the previous release's commit the range is unknown: show no commits rather than all history.
        let from: number | undefined = 0;
        if (previous) {
          from = previous.commitSha
            ? positions.get(previous.commitSha)
            : undefined;
        }
        let commits: CommitRecord[] = [];
        let commitCount = 0;
        if (own !== undefined && from !== undefined && own > from) {
          [commits, commitCount] = await Promise.all([
            this.store.listCommitsBetween(
              entityRef,
              from,
              own,
              RELEASE_COMMITS_SHOWN,
            ),
            this.store.countCommitsBetween(entityRef, from, own),
          ]);
        }
        return this.toRelease(record, deployments, commits, commitCount);
      }),
    );
    const last = page[page.length - 1];
    return {
      items,
      nextCursor:
        records.length > options.limit && last
          ? encodeCursor({ k: last.versionKey })
          : undefined,
    };
  }

  private toRelease(
    record: ReleaseRecord,
    deployments: DeploymentRecord[],
    commits: CommitRecord[],
    commitCount: number,
  ): Release {
    const stage = (s: ReleaseRecord['build']) =>
      s
        ? {
            status: s.status,
            at: new Date(s.at).toISOString(),
            runUrl: s.runUrl,
          }
        : undefined;
    const perEnvironment: Release['deployments'] = {};
    for (const deployment of deployments) {
      if (deployment.version === record.version) {
        perEnvironment[deployment.environment] = {
          status: deployment.status,
          at: new Date(
            deployment.finishedAt ?? deployment.sortAt,
          ).toISOString(),
          deploymentId: deployment.id,
        };
      }
    }
    const publish = stage(record.publish);
    return {
      version: record.version,
      commitSha: record.commitSha,
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      stages: {
        build: stage(record.build),
        publish: publish ? { ...publish, image: record.image } : undefined,
        release: stage(record.release),
      },
      deployments: perEnvironment,
      commits: commits.map(toCommitSummary),
      commitCount,
    };
  }

  async listDeployments(
    entityRef: string,
    options: {
      environment?: string;
      status?: Deployment['status'];
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<Deployment>> {
    const after = options.cursor
      ? decodeCursor(options.cursor, (v): v is { s: number; i: string } => {
          const c = v as { s: unknown; i: unknown };
          return (
            typeof v === 'object' &&
            v !== null &&
            Number.isSafeInteger(c.s) &&
            typeof c.i === 'string' &&
            /^\d{1,18}$/.test(c.i)
          );
        })
      : undefined;
    const records = await this.store.listDeployments(entityRef, {
      environment: options.environment,
      status: options.status,
      limit: options.limit + 1,
      after: after ? { sortAt: after.s, id: after.i } : undefined,
    });
    const page = records.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeployment),
      nextCursor:
        records.length > options.limit && last
          ? encodeCursor({ s: last.sortAt, i: last.id })
          : undefined,
    };
  }

  async getChangelog(
    entityRef: string,
    from: string,
    to: string,
  ): Promise<ChangelogResponse> {
    const found = new Map(
      (await this.store.getReleases(entityRef, [from, to])).map(r => [
        r.version,
        r,
      ]),
    );
    for (const [field, version] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!found.has(version)) {
        throw new NotFoundError(
          `${field}: no release "${version}" of ${entityRef}`,
        );
      }
    }
    let older = found.get(from)!;
    let newer = found.get(to)!;
    if (older.versionKey > newer.versionKey) {
      [older, newer] = [newer, older];
    }
    const between = await this.store.listReleasesBetween(
      entityRef,
      older.versionKey,
      newer.versionKey,
    );
    const positions = await this.store.getCommitPositions(
      entityRef,
      [older.commitSha, newer.commitSha].filter((sha): sha is string =>
        Boolean(sha),
      ),
    );
    const fromPos = older.commitSha
      ? positions.get(older.commitSha)
      : undefined;
    const toPos = newer.commitSha ? positions.get(newer.commitSha) : undefined;
    let commits: CommitSummary[] = [];
    if (fromPos !== undefined && toPos !== undefined && toPos > fromPos) {
      commits = (
        await this.store.listCommitsBetween(
          entityRef,
          fromPos,
          toPos,
          CHANGELOG_COMMITS_SHOWN,
        )
      ).map(toCommitSummary);
    }
    return {
      from,
      to,
      commits,
      pullRequests: uniquePullRequests(commits),
      releases: between.map(r => r.version),
    };
  }
}
