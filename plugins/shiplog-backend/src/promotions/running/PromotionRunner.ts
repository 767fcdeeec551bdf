import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  PromotionChangeRequest,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { randomUUID } from 'node:crypto';
import { PromotionExecutionError, PromotionRefusedError } from '../errors';
import { PromotionPlan, PromotionPlanner } from '../planning/PromotionPlanner';
import { PromotionRecorder } from '../PromotionRecorder';
import {
  NewPromotion,
  PromotionRecord,
  PromotionStore,
} from '../../database/stores/PromotionStore';
import { PromotionsConfig } from '../readPromotionsConfig';
import { CreatePromotionInput } from '../types';
import { HoldService } from '../holds/HoldService';
import { pullRequestMarkdown } from './pullRequestMarkdown';
import { withDeadline } from './withDeadline';

export interface PromotionRunnerOptions {
  planner: PromotionPlanner;
  store: Pick<
    PromotionStore,
    'create' | 'createRefused' | 'countManualRefusals'
  >;
  recorder: PromotionRecorder;
  config: Pick<PromotionsConfig, 'labels' | 'executorTimeoutMs'>;
  logger: LoggerService;
  /** Where a rollback places its hold; without it, rollbacks hold nothing. */
  holds?: Pick<HoldService, 'place'>;
}

/**
 * Runs a promotion: plans it, refuses it (recorded) or takes the environment's lock, and makes the
 * GitOps change through the plan's executor.
 */
/** Manual refusals one user gets recorded per (entity, environment) and hour; beyond it only the 422 answers. */
export const MAX_RECORDED_REFUSALS_PER_HOUR = 10;

export class PromotionRunner {
  constructor(private readonly options: PromotionRunnerOptions) {}

  /**
   * Auto-promotion refusals are recorded once per trigger event; a user asking again and again is
   * answered every time but recorded only up to a bound, so requests cannot fill the table or the ledger.
   */
  private async shouldRecordRefusal(promotion: NewPromotion): Promise<boolean> {
    if (promotion.triggerEventId) return true;
    const recent = await this.options.store.countManualRefusals(
      promotion.entityRef,
      promotion.environment,
      promotion.requestedBy,
      Date.now() - 60 * 60 * 1000,
    );
    return recent < MAX_RECORDED_REFUSALS_PER_HOUR;
  }

  /**
   * Refusals are recorded and thrown as PromotionRefusedError (422); a promotion in flight as a
   * ConflictError (409); a failed change as 422, 409 or 502 (see executionFailed).
   */
  async run(
    input: CreatePromotionInput,
    automatic: boolean,
  ): Promise<PromotionRecord> {
    const { store, recorder } = this.options;
    const { entity, entityRef, request } = input;
    const plan = await this.options.planner.plan(
      entity,
      entityRef,
      request,
      automatic,
      input.overrideAllowed ?? false,
    );
    const base: NewPromotion = {
      id: randomUUID(),
      entityRef,
      environment: request.environment,
      version: request.version,
      fromVersion: plan.fromVersion,
      reason: request.reason,
      rollback: plan.rollback,
      automatic,
      requestedBy: input.requestedBy,
      guards: plan.guards,
      triggerEventId: input.triggerEventId,
      change: plan.change,
    };
    const refusals = plan.guards.filter(g => g.outcome === 'refuse');
    if (refusals.length || plan.changeProblem) {
      const error = plan.changeProblem
        ? new PromotionRefusedError(`Promotion refused: ${plan.changeProblem}`)
        : PromotionRefusedError.fromGuards(refusals);
      if (await this.shouldRecordRefusal(base)) {
        const refused = await store.createRefused(base, error.message);
        if (refused) await recorder.record(refused);
      }
      throw error;
    }
    const created = await store.create(
      base,
      Date.now(),
      plan.awaitsApproval ? 'awaiting-approval' : 'requested',
    );
    await recorder.record(created);
    if (plan.rollback && request.hold !== false) {
      // Before the change is made, so auto-promotion cannot overwrite the rollback in between.
      await this.options.holds?.place({
        entityRef,
        environment: request.environment,
        heldBy: input.requestedBy,
        reason: `rollback to ${request.version}: ${
          request.reason ?? ''
        }`.trim(),
        promotionId: created.id,
        httpRequest: input.httpRequest,
      });
    }
    if (plan.awaitsApproval) return created;
    return this.apply(created, plan, entity.metadata.name);
  }

  /**
   * Makes the change of a promotion an approver just approved (now `requested`): planned again for
   * its executor and change; its guards were judged when it was requested and shown to the approver.
   */
  async runApproved(
    promotion: PromotionRecord,
    input: Pick<CreatePromotionInput, 'entity'>,
  ): Promise<PromotionRecord> {
    const plan = await this.options.planner.plan(
      input.entity,
      promotion.entityRef,
      {
        version: promotion.version,
        environment: promotion.environment,
        rollback: promotion.rollback,
        reason: promotion.reason,
        dryRun: false,
        overrideFreeze: false,
      },
      promotion.automatic,
    );
    if (!plan.change || plan.changeProblem) {
      await this.options.recorder.advance(promotion, 'failed', {
        error: plan.changeProblem ?? 'no change can be made',
      });
      throw new PromotionRefusedError(
        `Promotion refused: ${plan.changeProblem ?? 'no change can be made'}`,
      );
    }
    return this.apply(
      promotion,
      { ...plan, change: promotion.change ?? plan.change },
      input.entity.metadata.name,
    );
  }

  /** Makes the change and moves the promotion on: merged (a commit) or change_opened (a pull request). */
  private async apply(
    created: PromotionRecord,
    plan: PromotionPlan,
    component: string,
  ): Promise<PromotionRecord> {
    const change = plan.change!;
    try {
      const result = await withDeadline(
        this.options.config.executorTimeoutMs,
        `the ${plan.executor!.id} executor's change`,
        signal =>
          plan.executor!.apply({
            ...this.changeRequest(created, plan, component),
            signal,
          }),
      );
      const moved = await this.options.recorder.advance(
        created,
        result.state === 'merged' ? 'merged' : 'change_opened',
        {
          change: {
            ...change,
            kind: result.kind,
            previousValue: result.previousValue,
            url: result.url,
            number: result.number,
            branch: result.branch,
            commitSha: result.commitSha,
          },
        },
      );
      return moved ?? created;
    } catch (error) {
      throw await this.executionFailed(created, error as Error);
    }
  }

  /** What the executor is asked to do: the edit, the title, the description, the labels, the branch. */
  private changeRequest(
    created: PromotionRecord,
    plan: PromotionPlan,
    component: string,
  ): PromotionChangeRequest {
    const change = plan.change!;
    const { environment, version } = created;
    return {
      promotionId: created.id,
      entityRef: created.entityRef,
      environment,
      version,
      repository: change.repository,
      path: change.path,
      keyPath: change.keyPath,
      kind: change.kind,
      autoMerge: change.autoMerge ?? false,
      title: `${
        plan.rollback ? 'Roll back' : 'Promote'
      } ${component} ${version} to ${environment}`,
      body: pullRequestMarkdown(created, plan),
      labels: [
        ...this.options.config.labels,
        `promote-to-${environment}`,
        ...(plan.rollback ? ['rollback'] : []),
      ],
      branch: `shiplog/promote-${component}-${environment}-${created.id.slice(
        0,
        8,
      )}`,
    };
  }

  /** Ends a promotion whose change could not be made, and says why in the error's HTTP terms. */
  private async executionFailed(
    promotion: PromotionRecord,
    error: Error,
  ): Promise<Error> {
    const { recorder } = this.options;
    const message = error.message;
    if (error instanceof YamlEditError || error.name === 'InputError') {
      await recorder.advance(promotion, 'refused', {
        error: `the values file was refused: ${message}`,
      });
      return new PromotionRefusedError(
        `Promotion refused: ${
          promotion.change?.path ?? 'the values file'
        }: ${message}`,
      );
    }
    await recorder.advance(promotion, 'failed', { error: message });
    if (error.name === 'ConflictError') return new ConflictError(message);
    this.options.logger.warn(
      `Promotion ${promotion.id} of ${promotion.entityRef} to ${promotion.environment} failed: ${message}`,
    );
    return new PromotionExecutionError(
      `the GitOps change could not be made: ${message}`,
    );
  }
}
