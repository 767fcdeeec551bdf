import { ConflictError } from '@backstage/errors';
import { PromotionState } from '@shiplog/plugin-shiplog-common';
import { TABLES } from '../tables';
import {
  NewPromotion,
  PromotionInFlightError,
  PromotionPatch,
  PromotionRecord,
} from './promotionRecord';
import { PromotionReadStore } from './PromotionReadStore';
import {
  fromRow,
  newPromotionRow,
  PromotionRow,
  transitionColumns,
} from './promotionRows';

export {
  PromotionInFlightError,
  type NewPromotion,
  type PromotionPatch,
  type PromotionRecord,
} from './promotionRecord';

const PROMOTIONS = TABLES.promotions;

/** Both databases report a unique-index violation in their own words. */
function isUniqueViolation(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /unique constraint|duplicate key/i.test(message ?? '')
  );
}

/**
 * Promotions in Backstage's database. The in-flight lock is the unique index described in the
 * migration; transitions are compare-and-set on the state, so two trackers (or a tracker and a
 * request) never both move one promotion.
 */
export class PromotionStore extends PromotionReadStore {
  /**
   * Records a promotion that passed its guards, taking the (entity, environment) lock, or throws a
   * PromotionInFlightError naming the promotion that holds it.
   */
  async create(
    promotion: NewPromotion,
    now = Date.now(),
    state: 'requested' | 'awaiting-approval' = 'requested',
  ): Promise<PromotionRecord> {
    const row = newPromotionRow(promotion, state, now);
    try {
      await this.db(PROMOTIONS).insert(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const holder = await this.findInFlight(
        promotion.entityRef,
        promotion.environment,
      );
      if (holder || !promotion.triggerEventId) {
        throw new PromotionInFlightError(holder, promotion.environment);
      }
      // The auto-promotion of this event was recorded already (by another run): nothing to do.
      throw new ConflictError(
        `the deployment event ${promotion.triggerEventId} already triggered an auto-promotion`,
      );
    }
    return fromRow(row as PromotionRow);
  }

  /** Records a promotion a guard refused: it never held the lock. */
  async createRefused(
    promotion: NewPromotion,
    error: string,
    now = Date.now(),
  ): Promise<PromotionRecord | undefined> {
    const row = { ...newPromotionRow(promotion, 'refused', now), error };
    try {
      await this.db(PROMOTIONS).insert(row);
    } catch (e) {
      // An auto-promotion another run already recorded for the same event.
      if (promotion.triggerEventId && isUniqueViolation(e)) return undefined;
      throw e;
    }
    return fromRow(row as PromotionRow);
  }

  /**
   * Moves a promotion from one of `from` to `to` (or only patches it when `to` equals its state).
   * A final state releases the lock. Returns the updated promotion, or undefined when it was no
   * longer in one of `from` (someone else moved it first).
   */
  async transition(
    id: string,
    from: PromotionState[],
    to: PromotionState,
    patch: PromotionPatch = {},
    now = Date.now(),
  ): Promise<PromotionRecord | undefined> {
    const current = await this.get(id);
    if (!current || !from.includes(current.state)) return undefined;
    const update = transitionColumns(current, to, patch, now);
    const count = await this.db(PROMOTIONS)
      .where({
        id,
        state: current.state,
        updated_at: Date.parse(current.updatedAt),
      })
      .update(update);
    return count ? this.get(id) : undefined;
  }
}
