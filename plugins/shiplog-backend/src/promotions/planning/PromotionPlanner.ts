import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  EnvironmentConfig,
  EnvironmentFreeze,
  PromotionPreview,
  PromotionRequest,
} from '@shiplog/plugin-shiplog-common';
import { PromotionExecutor } from '@shiplog/plugin-shiplog-node';
import { environmentPolicyOf } from '../../config/environmentPolicy';
import { LedgerStore } from '../../database/LedgerStore';
import { EnvironmentStateRecord, ReleaseRecord } from '../../database/types';
import { PromotionStore } from '../../database/stores/PromotionStore';
import { PromotionsConfig } from '../readPromotionsConfig';
import { ChangelogLedger, promotionChangelog } from './changelog';
import { evaluateGuards, GuardContext, isOlderThanRunning } from './guards';
import { PlannedChange, planChange } from './planChange';
import { safetyContext, SafetySources } from './safetyContext';
import { evaluateSafetyGuards } from './safetyGuards';

/** What a promotion would do, before any of it is done. */
export interface PromotionPlan extends PlannedChange {
  entityRef: string;
  environment: string;
  version: string;
  fromVersion?: string;
  release?: ReleaseRecord;
  guards: PromotionPreview['guards'];
  changelog: PromotionPreview['changelog'];
  /** `rollback: true` for a version older than what runs; otherwise a forward promotion, whatever was asked. */
  rollback: boolean;
  /** The environment requires approval and no pull request can carry it: an approver decides in the portal. */
  awaitsApproval: boolean;
  /** The freeze window in force in the environment, if any. */
  freeze?: EnvironmentFreeze;
}

/** The ledger reads planning needs. */
export type PlanningLedger = ChangelogLedger &
  Pick<
    LedgerStore,
    'getEnvironmentStates' | 'getReleases' | 'listReleases' | 'hasSucceededIn'
  >;

export interface PromotionPlannerOptions {
  store: Pick<PromotionStore, 'findInFlight'>;
  ledgerStore: PlanningLedger;
  /** The entity's environments, in order (configuration narrowed by its annotation). */
  environmentsOf(entity: Entity): EnvironmentConfig[];
  executors: PromotionExecutor[];
  config: Pick<PromotionsConfig, 'requirePreviousEnvironment' | 'autoMerge'>;
  /** Holds, freezes, Argo CD health and the clock, for the hold, freeze and soak guards. */
  safety?: SafetySources;
}

/** Plans promotions (guards, changelog, the GitOps change) and previews them. Changes nothing. */
export class PromotionPlanner {
  constructor(private readonly options: PromotionPlannerOptions) {}

  async plan(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    automatic: boolean,
    overrideAllowed = false,
  ): Promise<PromotionPlan> {
    const { environment, version } = request;
    const environments = this.options.environmentsOf(entity);
    const guardContext = await this.guardContext(
      entity,
      entityRef,
      request,
      automatic,
      environments,
    );
    const policy = environmentPolicyOf(environments, environment);
    const rollback =
      Boolean(request.rollback) && isOlderThanRunning(guardContext);
    const safety = await safetyContext(this.options.safety ?? {}, {
      entity,
      entityRef,
      environment,
      version,
      automatic,
      rollback,
      reason: request.reason,
      overrideFreeze: request.overrideFreeze ?? false,
      overrideAllowed,
      previous: environments.find(
        env => env.name === guardContext.previousEnvironment,
      ),
      states: guardContext.states,
    });
    const change = planChange(entity, environment, policy, {
      executors: this.options.executors,
      autoMerge: this.options.config.autoMerge,
    });
    return {
      entityRef,
      environment,
      version,
      fromVersion: guardContext.running?.version,
      release: guardContext.release,
      guards: [
        ...evaluateGuards(guardContext),
        ...evaluateSafetyGuards(safety),
      ],
      changelog: guardContext.changelog,
      rollback,
      awaitsApproval:
        policy.requiresApproval && change.change?.kind === 'commit',
      freeze: safety.freeze,
      ...change,
    };
  }

  /** What the guards judge: the release, what runs, the environment before, the changelog. */
  private async guardContext(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    automatic: boolean,
    environments: EnvironmentConfig[],
  ): Promise<
    GuardContext & {
      changelog: PromotionPlan['changelog'];
      states: EnvironmentStateRecord[];
    }
  > {
    const { ledgerStore, config } = this.options;
    const { environment, version } = request;
    const index = environments.findIndex(env => env.name === environment);
    if (environments.length && index < 0) {
      throw new InputError(
        `environment: "${environment}" is not one of ${entityRef}'s environments (${environments
          .map(env => env.name)
          .join(', ')})`,
      );
    }
    const previousEnvironment =
      index > 0 ? environments[index - 1].name : undefined;
    const [states, [release]] = await Promise.all([
      ledgerStore.getEnvironmentStates(entityRef),
      ledgerStore.getReleases(entityRef, [version]),
    ]);
    const running = states.find(s => s.environment === environment)?.current;
    const [succeededInPrevious, succeededInTarget, predecessor, changelog] =
      await Promise.all([
        previousEnvironment
          ? ledgerStore.hasSucceededIn(entityRef, previousEnvironment, version)
          : false,
        ledgerStore.hasSucceededIn(entityRef, environment, version),
        release
          ? ledgerStore
              .listReleases(entityRef, {
                limit: 1,
                beforeKey: release.versionKey,
              })
              .then(([r]) => r)
          : undefined,
        promotionChangelog(ledgerStore, entityRef, running, release),
      ]);
    return {
      component: entity.metadata.name,
      environment,
      version,
      rollback: request.rollback,
      reason: request.reason,
      automatic,
      release,
      running: running && {
        version: running.version,
        versionKey: running.versionKey,
      },
      previousEnvironment,
      ordered: environments.length > 0,
      requirePreviousEnvironment: config.requirePreviousEnvironment,
      succeededInPrevious,
      succeededInTarget,
      commits: changelog.commits,
      predecessor,
      changelog,
      states,
    };
  }

  /** What a promotion would do, and what stands in its way. Changes nothing. */
  async preview(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    allowed: boolean,
    overrideAllowed = false,
  ): Promise<PromotionPreview> {
    const [plan, inFlight] = await Promise.all([
      this.plan(entity, entityRef, request, false, overrideAllowed),
      this.options.store.findInFlight(entityRef, request.environment),
    ]);
    return {
      entityRef,
      environment: plan.environment,
      version: plan.version,
      fromVersion: plan.fromVersion,
      guards: plan.guards,
      allowed,
      canProceed:
        allowed &&
        !inFlight &&
        !plan.changeProblem &&
        plan.guards.every(g => g.outcome !== 'refuse'),
      inFlight: inFlight && {
        id: inFlight.id,
        version: inFlight.version,
        state: inFlight.state,
      },
      change: plan.change,
      changeProblem: plan.changeProblem,
      changelog: plan.changelog,
      awaitsApproval: plan.awaitsApproval || undefined,
      freeze: plan.freeze,
    };
  }
}
