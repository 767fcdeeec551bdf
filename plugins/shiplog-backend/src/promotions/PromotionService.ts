import { AuditorService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  EnvironmentHold,
  EnvironmentsResponse,
  Page,
  Promotion,
  PromotionPreview,
  PromotionRequest,
  PromotionState,
} from '@shiplog/plugin-shiplog-common';
import { decodeCursor, encodeCursor } from '../ledger/LedgerService';
import { PromotionReviews, ReviewInput } from './approvals/PromotionReviews';
import { HoldService } from './holds/HoldService';
import { FreezeCalendar } from './planning/FreezeCalendar';
import { PromotionPlanner } from './planning/PromotionPlanner';
import {
  PromotionRecord,
  PromotionStore,
} from '../database/stores/PromotionStore';
import { PromotionRunner } from './running/PromotionRunner';
import { CreatePromotionInput, PromotionCreator } from './types';

export interface PromotionServiceOptions {
  store: Pick<PromotionStore, 'list'>;
  planner: PromotionPlanner;
  runner: PromotionRunner;
  auditor: AuditorService;
  /** The entity's environments, in order (configuration narrowed by its annotation). */
  environmentsOf(entity: Entity): EnvironmentConfig[];
  holds: HoldService;
  reviews: PromotionReviews;
  freezes: FreezeCalendar;
}

const publicPromotion = ({ checkedAt, ...promotion }: PromotionRecord) =>
  promotion as Promotion;

const isListCursor = (v: unknown): v is { r: number; i: string } => {
  const c = v as { r: unknown; i: unknown };
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(c.r) &&
    typeof c.i === 'string'
  );
};

/**
 * What the routes ask of promotions: preview one (planning), create one (audited, then running), list
 * them. Tracking and auto-promotion run on their own schedule (PromotionTracker, AutoPromoter).
 */
export class PromotionService implements PromotionCreator {
  constructor(private readonly options: PromotionServiceOptions) {}

  /** What a promotion would do, and what stands in its way. Changes nothing. */
  async preview(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    allowed: boolean,
    overrideAllowed = false,
  ): Promise<PromotionPreview> {
    return this.options.planner.preview(
      entity,
      entityRef,
      request,
      allowed,
      overrideAllowed,
    );
  }

  /**
   * Runs a promotion: guards, the lock, the GitOps change. Refusals are recorded and thrown as
   * PromotionRefusedError (422); a promotion in flight as a ConflictError (409).
   */
  async create(input: CreatePromotionInput): Promise<Promotion> {
    const { entity, entityRef, request } = input;
    const automatic = input.automatic ?? false;
    const audit = await this.options.auditor.createEvent({
      eventId: 'promotion-create',
      severityLevel: this.isLastEnvironment(entity, request.environment)
        ? 'high'
        : 'medium',
      request: input.httpRequest,
      meta: {
        entityRef,
        environment: request.environment,
        version: request.version,
        rollback: request.rollback,
        overrideFreeze: request.overrideFreeze ?? false,
        reason: request.reason ?? null,
        automatic,
        requestedBy: input.requestedBy,
      },
    });
    try {
      const promotion = publicPromotion(
        await this.options.runner.run(input, automatic),
      );
      await audit.success({
        meta: { promotionId: promotion.id, state: promotion.state },
      });
      return promotion;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  /** Holds an environment: auto-promotion into it stops until the hold is released. Audited. */
  hold(input: Parameters<HoldService['place']>[0]): Promise<EnvironmentHold> {
    return this.options.holds.place(input);
  }

  /** Releases an environment's hold (404 when it is not held). Audited. */
  releaseHold(
    input: Parameters<HoldService['release']>[0],
  ): Promise<EnvironmentHold> {
    return this.options.holds.release(input);
  }

  /** The promotion of this entity (404 otherwise): what the approval routes check permissions on. */
  async get(entityRef: string, id: string): Promise<Promotion> {
    return publicPromotion(await this.options.reviews.find(entityRef, id));
  }

  /** Approves a promotion awaiting approval, then makes its change. Audited. */
  async approve(input: ReviewInput): Promise<Promotion> {
    return publicPromotion(await this.options.reviews.approve(input));
  }

  async reject(input: ReviewInput): Promise<Promotion> {
    return publicPromotion(await this.options.reviews.reject(input));
  }

  /** Cancels a promotion in flight, freeing the environment's lock; undoes nothing already merged. */
  async cancel(input: ReviewInput): Promise<Promotion> {
    return publicPromotion(await this.options.reviews.cancel(input));
  }

  /** The matrix with each environment's hold and freeze window. */
  async withSafety(
    response: EnvironmentsResponse,
    now = Date.now(),
  ): Promise<EnvironmentsResponse> {
    const holds = await this.options.holds.holdsOf(response.entityRef);
    return {
      ...response,
      environments: response.environments.map(env => {
        const hold = holds.get(env.name);
        const freeze = this.options.freezes.freezeOf(env.name, now);
        return {
          ...env,
          ...(hold ? { hold } : {}),
          ...(freeze ? { freeze } : {}),
        };
      }),
    };
  }

  private isLastEnvironment(entity: Entity, environment: string): boolean {
    const environments = this.options.environmentsOf(entity);
    return environments[environments.length - 1]?.name === environment;
  }

  async list(
    entityRef: string,
    query: {
      environment?: string;
      state?: PromotionState;
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<Promotion>> {
    const after = query.cursor
      ? decodeCursor(query.cursor, isListCursor)
      : undefined;
    const records = await this.options.store.list(entityRef, {
      environment: query.environment,
      state: query.state,
      limit: query.limit + 1,
      after: after && { requestedAt: after.r, id: after.i },
    });
    const page = records.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(publicPromotion),
      nextCursor:
        records.length > query.limit && last
          ? encodeCursor({ r: Date.parse(last.requestedAt), i: last.id })
          : undefined,
    };
  }
}
