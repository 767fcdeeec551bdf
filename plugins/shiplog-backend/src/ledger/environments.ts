import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  EnvironmentStatus,
  EnvironmentsResponse,
  SHIPLOG_ANNOTATIONS,
  parseEnvironmentsAnnotation,
} from '@shiplog/plugin-shiplog-common';
import {
  defaultEnvironment,
  environmentPolicyOf,
} from '../config/environmentPolicy';
import {
  CommitStore,
  EnvironmentStore,
  ReleaseStore,
} from '../database/stores';
import {
  EnvironmentStateRecord,
  MatrixDeploymentRecord,
} from '../database/types';
import { toCommitSummary, toEnvironmentSummary } from './records';

const UNDEPLOYED_COMMITS_SHOWN = 20;

type Drift = EnvironmentStatus['drift'];

export interface EnvironmentReadStores {
  environments: EnvironmentStore;
  releases: ReleaseStore;
  commits: CommitStore;
}

/** The configured environments, narrowed or reordered by the entity's annotation. */
export function environmentsOf(
  configured: EnvironmentConfig[],
  entity: Entity,
): EnvironmentConfig[] {
  const narrowed = parseEnvironmentsAnnotation(
    entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.environments],
  );
  if (!narrowed) {
    return configured;
  }
  return narrowed.map(name => environmentPolicyOf(configured, name));
}

/**
 * Environments that events reveal but config does not list still show, after the configured ones,
 * unless the entity's annotation narrowed the list on purpose.
 */
function revealedEnvironments(
  entity: Entity,
  configured: EnvironmentConfig[],
  states: EnvironmentStateRecord[],
): EnvironmentConfig[] {
  if (entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.environments]) {
    return [];
  }
  return states
    .filter(state => !configured.some(env => env.name === state.environment))
    .sort((a, b) => (a.attempt?.sortAt ?? 0) - (b.attempt?.sortAt ?? 0))
    .map(state => defaultEnvironment(state.environment));
}

/**
 * The newest commit position running anywhere on the promotion path: a preview environment outside
 * it does not make merged work "deployed".
 */
function newestDeployedPosition(
  configured: EnvironmentConfig[],
  states: EnvironmentStateRecord[],
): number {
  const configuredNames = new Set(configured.map(env => env.name));
  const positions = states
    .filter(
      state => configuredNames.has(state.environment) || !configured.length,
    )
    .map(state => state.current?.commitPosition)
    .filter((p): p is number => p !== undefined);
  return Math.max(0, ...positions);
}

/**
 * How far an environment is behind (or ahead of) the one before it on the promotion path: releases
 * between the two as a difference of release ranks (counted only where a rank is missing), commits as
 * a difference of commit positions, which are gap-free.
 */
async function driftFrom(
  stores: EnvironmentReadStores,
  entityRef: string,
  previousName: string | undefined,
  previousCurrent: MatrixDeploymentRecord | undefined,
  current: MatrixDeploymentRecord | undefined,
): Promise<Drift> {
  const drift: Drift = {
    previousEnvironment: previousName,
    releasesBehind: 0,
    commitsBehind: 0,
    aheadOfPrevious: false,
  };
  const prevKey = previousCurrent?.versionKey;
  const ownKey = current ? current.versionKey : '';
  if (prevKey === undefined || ownKey === undefined) {
    return drift;
  }
  if (prevKey > ownKey) {
    const prevRank = previousCurrent?.releaseRank;
    const ownRank = current ? current.releaseRank : 0;
    drift.releasesBehind =
      prevRank !== undefined && ownRank !== undefined
        ? prevRank - ownRank
        : await stores.releases.countReleasesBetween(
            entityRef,
            ownKey,
            prevKey,
          );
    const prevPos = previousCurrent?.commitPosition;
    const ownPos = current ? current.commitPosition : 0;
    if (prevPos !== undefined && ownPos !== undefined && prevPos > ownPos) {
      drift.commitsBehind = prevPos - ownPos;
    }
  } else if (ownKey > prevKey) {
    drift.aheadOfPrevious = true;
  }
  return drift;
}

function environmentStatus(
  env: EnvironmentConfig,
  state: EnvironmentStateRecord | undefined,
  drift: Drift,
): EnvironmentStatus {
  const current = state?.current;
  const attempt = state?.attempt;
  const attemptDiffers = attempt && (!current || attempt.id !== current.id);
  return {
    name: env.name,
    policy: {
      autoPromote: env.autoPromote,
      requiresApproval: env.requiresApproval,
      sync: env.sync,
      change: env.change,
      ...(env.soakTime ? { soakTime: env.soakTime } : {}),
    },
    current: current ? toEnvironmentSummary(current) : undefined,
    lastAttempt:
      attempt && attemptDiffers ? toEnvironmentSummary(attempt) : undefined,
    status: attempt?.status ?? current?.status ?? 'never_deployed',
    drift,
  };
}

/** The environments matrix: what runs where, the last attempts, drift, and the undeployed commits. */
export async function getEnvironments(
  stores: EnvironmentReadStores,
  entityRef: string,
  configured: EnvironmentConfig[],
  entity: Entity,
): Promise<EnvironmentsResponse> {
  // The newest commits come with the states, not after them: commits no environment runs are the
  // newest ones above the newest position deployed, and positions are gap-free, so the newest
  // commit's position less that one counts them. One round trip for the whole matrix.
  const [states, newest] = await Promise.all([
    stores.environments.getEnvironmentStates(entityRef),
    stores.commits.listCommitsBetween(
      entityRef,
      0,
      undefined,
      UNDEPLOYED_COMMITS_SHOWN,
    ),
  ]);
  const ordered = [
    ...configured,
    ...revealedEnvironments(entity, configured, states),
  ];
  // Without configured environments, the order events revealed is the promotion path.
  const pathLength = configured.length || ordered.length;
  const stateByEnv = new Map(states.map(state => [state.environment, state]));
  const newestDeployed = newestDeployedPosition(configured, states);
  const undeployedCommits = newest.filter(c => c.position > newestDeployed);
  const undeployedCount = Math.max(
    0,
    (newest[0]?.position ?? 0) - newestDeployed,
  );
  const environments = await Promise.all(
    ordered.map(async (env, index) => {
      const state = stateByEnv.get(env.name);
      // Environments outside the configured order have no "previous" to drift from.
      const previous =
        index > 0 && index < pathLength ? ordered[index - 1] : undefined;
      const drift = await driftFrom(
        stores,
        entityRef,
        previous?.name,
        previous ? stateByEnv.get(previous.name)?.current : undefined,
        state?.current,
      );
      return environmentStatus(env, state, drift);
    }),
  );
  return {
    entityRef,
    environments,
    undeployed: {
      commitCount: undeployedCount,
      commits: undeployedCommits.map(toCommitSummary),
    },
  };
}
