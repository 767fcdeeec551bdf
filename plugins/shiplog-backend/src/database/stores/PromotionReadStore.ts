import { PromotionState } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { TABLES } from '../tables';
import type { PromotionRecord } from './promotionRecord';
import { fromRow, PromotionRow } from './promotionRows';

const PROMOTIONS = TABLES.promotions;

/** The read side of the promotions table: one promotion, pages of them, and what tracking walks. */
export class PromotionReadStore {
  constructor(protected readonly db: Knex) {}

  async get(id: string): Promise<PromotionRecord | undefined> {
    const row: PromotionRow | undefined = await this.db(PROMOTIONS)
      .where({ id })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** How many manual promotions this user had refused for (entity, environment) since `since`. */
  async countManualRefusals(
    entityRef: string,
    environment: string,
    requestedBy: string,
    since: number,
  ): Promise<number> {
    const [{ n }] = await this.db(PROMOTIONS)
      .where({
        entity_ref: entityRef,
        environment,
        requested_by: requestedBy,
        state: 'refused',
      })
      .whereNull('trigger_event_id')
      .where('requested_at', '>=', since)
      .count({ n: '*' });
    return Number(n);
  }

  async findInFlight(
    entityRef: string,
    environment: string,
  ): Promise<PromotionRecord | undefined> {
    const row: PromotionRow | undefined = await this.db(PROMOTIONS)
      .where({ entity_ref: entityRef, environment, in_flight: true })
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** Promotions in flight, oldest first (after a tracking cursor's (requested_at, id)): what tracking advances. */
  async listInFlight(
    limit = 500,
    after?: { requestedAt: number; id: string },
  ): Promise<PromotionRecord[]> {
    const query = this.db<PromotionRow>(PROMOTIONS)
      .where({ in_flight: true })
      .orderBy([
        { column: 'requested_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit);
    if (after) {
      query.where(q =>
        q
          .where('requested_at', '>', after.requestedAt)
          .orWhere(q2 =>
            q2
              .where('requested_at', '=', after.requestedAt)
              .where('id', '>', after.id),
          ),
      );
    }
    const rows: PromotionRow[] = await query;
    return rows.map(fromRow);
  }

  /** Newest first, after the cursor's (requested_at, id) when paginating. */
  async list(
    entityRef: string,
    options: {
      environment?: string;
      state?: PromotionState;
      limit: number;
      after?: { requestedAt: number; id: string };
    },
  ): Promise<PromotionRecord[]> {
    const query = this.db<PromotionRow>(PROMOTIONS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'requested_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.environment) query.where({ environment: options.environment });
    if (options.state) query.where({ state: options.state });
    if (options.after) {
      const { requestedAt, id } = options.after;
      query.where(q =>
        q
          .where('requested_at', '<', requestedAt)
          .orWhere(q2 =>
            q2.where('requested_at', '=', requestedAt).where('id', '<', id),
          ),
      );
    }
    const rows: PromotionRow[] = await query;
    return rows.map(fromRow);
  }

  /** Which of these event ids already triggered an auto-promotion. */
  async triggeredEventIds(eventIds: string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const rows: Array<{ trigger_event_id: string }> = await this.db(PROMOTIONS)
      .whereIn('trigger_event_id', eventIds)
      .select('trigger_event_id');
    return new Set(rows.map(row => row.trigger_event_id));
  }
}
