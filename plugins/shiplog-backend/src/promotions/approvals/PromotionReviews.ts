import { AuditorService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  IN_FLIGHT_PROMOTION_STATES,
  PromotionDecision,
} from '@shiplog/plugin-shiplog-common';
import { PromotionRecorder } from '../PromotionRecorder';
import {
  PromotionRecord,
  PromotionStore,
} from '../../database/stores/PromotionStore';
import { PromotionRunner } from '../running/PromotionRunner';

type AuditRequest = Parameters<AuditorService['createEvent']>[0]['request'];

/** Who decides, and with which rights: the routes checked `shiplog.promotion.approve` on the promotion. */
export interface ReviewInput {
  entity: Entity;
  entityRef: string;
  promotionId: string;
  user: string;
  /** The user holds `shiplog.promotion.approve` on the promotion's (entity, environment). */
  mayApprove: boolean;
  decision: PromotionDecision;
  httpRequest?: AuditRequest;
}

/**
 * Approvals in the portal, and cancelling: a promotion `awaiting-approval` is approved (then its
 * change is made) or rejected by a user other than its requester; any promotion in flight is
 * cancelled by its requester or an approver, which frees the environment's lock and undoes nothing
 * already merged. Each decision is a compare-and-set on the promotion's state, so of two approvers
 * racing one approves and the other is told it was decided; every decision is audited.
 */
export class PromotionReviews {
  constructor(
    private readonly options: {
      store: Pick<PromotionStore, 'get'>;
      recorder: PromotionRecorder;
      runner: Pick<PromotionRunner, 'runApproved'>;
      auditor: AuditorService;
    },
  ) {}

  /** The promotion of this entity, or a 404. */
  async find(entityRef: string, id: string): Promise<PromotionRecord> {
    const promotion = await this.options.store.get(id);
    if (!promotion || promotion.entityRef !== entityRef) {
      throw new NotFoundError(`${entityRef} has no promotion ${id}`);
    }
    return promotion;
  }

  async approve(input: ReviewInput): Promise<PromotionRecord> {
    return this.audited('promotion-approve', input, async () => {
      const promotion = await this.awaitingDecision(input);
      const approved = await this.options.recorder.advance(
        promotion,
        'requested',
        { review: this.review('approved', input) },
      );
      if (!approved) throw this.alreadyDecided(promotion);
      return this.options.runner.runApproved(approved, input);
    });
  }

  async reject(input: ReviewInput): Promise<PromotionRecord> {
    return this.audited('promotion-reject', input, async () => {
      const promotion = await this.awaitingDecision(input);
      const comment = input.decision.comment;
      const rejected = await this.options.recorder.advance(
        promotion,
        'rejected',
        {
          review: this.review('rejected', input),
          error: `rejected by ${input.user}${comment ? `: ${comment}` : ''}`,
        },
      );
      if (!rejected) throw this.alreadyDecided(promotion);
      return rejected;
    });
  }

  async cancel(input: ReviewInput): Promise<PromotionRecord> {
    return this.audited('promotion-cancel', input, async () => {
      const promotion = await this.find(input.entityRef, input.promotionId);
      if (promotion.requestedBy !== input.user && !input.mayApprove) {
        throw new NotAllowedError(
          `Only the requester (${promotion.requestedBy}) or an approver (permission shiplog.promotion.approve) may cancel promotion ${promotion.id}`,
        );
      }
      if (!IN_FLIGHT_PROMOTION_STATES.includes(promotion.state)) {
        throw new ConflictError(
          `promotion ${promotion.id} is ${promotion.state}, no longer in flight: there is nothing to cancel`,
        );
      }
      const comment = input.decision.comment;
      const cancelled = await this.options.recorder.advance(
        promotion,
        'cancelled',
        {
          cancelledBy: input.user,
          error: `cancelled by ${input.user}${comment ? `: ${comment}` : ''}${
            promotion.state === 'awaiting-approval' ||
            promotion.state === 'requested'
              ? ''
              : ' (what was already merged stays)'
          }`,
        },
      );
      if (!cancelled) {
        throw new ConflictError(
          `promotion ${promotion.id} moved on while it was being cancelled; look at it again`,
        );
      }
      return cancelled;
    });
  }

  private async awaitingDecision(input: ReviewInput): Promise<PromotionRecord> {
    const promotion = await this.find(input.entityRef, input.promotionId);
    if (!input.mayApprove) {
      throw new NotAllowedError(
        `You may not approve or reject promotions of ${input.entityRef} to ${promotion.environment} (permission shiplog.promotion.approve); ask its owners`,
      );
    }
    if (promotion.requestedBy === input.user) {
      throw new NotAllowedError(
        `You requested promotion ${promotion.id}: another user must approve or reject it`,
      );
    }
    if (promotion.state !== 'awaiting-approval') {
      throw this.alreadyDecided(promotion);
    }
    return promotion;
  }

  private alreadyDecided(promotion: PromotionRecord): ConflictError {
    return new ConflictError(
      `promotion ${promotion.id} is no longer awaiting approval (someone decided or cancelled it first)`,
    );
  }

  private review(decision: 'approved' | 'rejected', input: ReviewInput) {
    return {
      decision,
      by: input.user,
      at: new Date().toISOString(),
      comment: input.decision.comment,
    };
  }

  private async audited(
    eventId: string,
    input: ReviewInput,
    action: () => Promise<PromotionRecord>,
  ): Promise<PromotionRecord> {
    const audit = await this.options.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request: input.httpRequest,
      meta: {
        entityRef: input.entityRef,
        promotionId: input.promotionId,
        user: input.user,
        comment: input.decision.comment ?? null,
      },
    });
    try {
      const promotion = await action();
      await audit.success({ meta: { state: promotion.state } });
      return promotion;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }
}
