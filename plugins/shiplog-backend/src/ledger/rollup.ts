import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  RollupCell,
  RollupComponent,
  RollupResponse,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import {
  CommitPositionRange,
  ReleaseKeyRange,
  RollupStore,
} from '../database/stores';
import { EnvironmentStateRecord } from '../database/types';
import { environmentsOf } from './environments';
import { iso } from './records';

/** A component an org entity covers, as the catalog gave it. */
export interface CoveredComponent {
  entityRef: string;
  entity: Entity;
}

/** One component's environments: its promotion path first, then the ones only its events reveal. */
interface ComponentPlan {
  component: CoveredComponent;
  states: Map<string, EnvironmentStateRecord>;
  path: string[];
  environments: string[];
}

function planComponent(
  component: CoveredComponent,
  configured: EnvironmentConfig[],
  states: EnvironmentStateRecord[],
): ComponentPlan {
  const path = environmentsOf(configured, component.entity).map(e => e.name);
  const narrowed = Boolean(
    component.entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.environments],
  );
  const revealed = narrowed
    ? []
    : states
        .filter(state => !path.includes(state.environment))
        .sort((a, b) => (a.attempt?.sortAt ?? 0) - (b.attempt?.sortAt ?? 0))
        .map(state => state.environment);
  return {
    component,
    states: new Map(states.map(state => [state.environment, state])),
    // Without configured environments, the order events revealed is the promotion path.
    path: path.length ? path : revealed,
    environments: [...path, ...revealed],
  };
}

/** The cells' drift ranges (only where the environment before runs a newer release) and the undeployed range. */
function rangesOf(plan: ComponentPlan) {
  const releases: Array<{ env: string; range: ReleaseKeyRange }> = [];
  const commits: Array<{ env: string; range: CommitPositionRange }> = [];
  const entityRef = plan.component.entityRef;
  plan.path.forEach((env, index) => {
    const previous = plan.states.get(plan.path[index - 1])?.current;
    const own = plan.states.get(env)?.current;
    const prevKey = previous?.versionKey;
    const ownKey = own ? own.versionKey : '';
    if (index === 0 || prevKey === undefined || ownKey === undefined) return;
    if (prevKey <= ownKey) return;
    releases.push({
      env,
      range: { entityRef, afterKey: ownKey, upToKey: prevKey },
    });
    const prevPos = previous?.commitPosition;
    const ownPos = own ? own.commitPosition : 0;
    if (prevPos !== undefined && ownPos !== undefined && prevPos > ownPos) {
      commits.push({ env, range: { entityRef, after: ownPos, upTo: prevPos } });
    }
  });
  const deployed = plan.path
    .map(env => plan.states.get(env)?.current?.commitPosition)
    .filter((p): p is number => p !== undefined);
  const undeployed: CommitPositionRange = {
    entityRef,
    after: Math.max(0, ...deployed),
  };
  return { releases, commits, undeployed };
}

function cellOf(state: EnvironmentStateRecord | undefined): RollupCell {
  const current = state?.current;
  const status = state?.attempt?.status ?? current?.status;
  return {
    ...(current && {
      version: current.version,
      since: iso(current.finishedAt ?? current.sortAt),
    }),
    ...(status && { status }),
  };
}

/** Environments of all components in one order: the configured ones, then others as components list them. */
function unionOf(configured: EnvironmentConfig[], plans: ComponentPlan[]) {
  const names = new Set(configured.map(env => env.name));
  for (const plan of plans) {
    plan.environments.forEach(env => names.add(env));
  }
  return [...names];
}

/**
 * What runs where across the components an org entity covers, with each cell's drift against the
 * environment before it: the states of all components in one statement and all drift counts in a few,
 * whatever the number of components.
 */
export async function getRollup(
  store: RollupStore,
  components: CoveredComponent[],
  configured: EnvironmentConfig[],
): Promise<RollupResponse> {
  const states = await store.getEnvironmentStatesOf(
    components.map(c => c.entityRef),
  );
  const plans = components.map(component =>
    planComponent(component, configured, states.get(component.entityRef) ?? []),
  );
  const ranges = plans.map(rangesOf);
  const [releaseCounts, commitCounts, undeployedCounts] = await Promise.all([
    store.countReleasesInRanges(
      ranges.flatMap(r => r.releases.map(x => x.range)),
    ),
    store.countCommitsInRanges(
      ranges.flatMap(r => r.commits.map(x => x.range)),
    ),
    store.countCommitsInRanges(ranges.map(r => r.undeployed)),
  ]);
  let releaseIndex = 0;
  let commitIndex = 0;
  const rolled = plans.map((plan, index): RollupComponent => {
    const cells: Record<string, RollupCell> = {};
    for (const env of plan.environments) {
      cells[env] = cellOf(plan.states.get(env));
    }
    for (const { env } of ranges[index].releases) {
      cells[env].behindReleases = releaseCounts[releaseIndex++];
    }
    for (const { env } of ranges[index].commits) {
      cells[env].behindCommits = commitCounts[commitIndex++];
    }
    const { entity, entityRef } = plan.component;
    return {
      entityRef,
      ...(entity.metadata.title && { title: entity.metadata.title }),
      environments: cells,
      undeployedCommits: undeployedCounts[index],
      failing: plan.path.some(
        env => plan.states.get(env)?.attempt?.status === 'failed',
      ),
    };
  });
  return {
    environments: unionOf(configured, plans),
    components: rolled.sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
  };
}
