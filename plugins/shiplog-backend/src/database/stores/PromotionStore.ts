import { ConflictError } from '@backstage/errors';
import {
  GuardVerdict,
  isPromotionInFlight,
  Promotion,
  PromotionChange,
  PromotionReview,
  PromotionState,
} from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { TABLES } from '../tables';

const PROMOTIONS = TABLES.promotions;

/** A promotion as the store keeps it: the public shape plus when its pull request was last polled. */
export type PromotionRecord = Promotion & { checkedAt?: number };

export interface NewPromotion {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  fromVersion?: string;
  reason?: string;
  rollback: boolean;
  automatic: boolean;
  requestedBy: string;
  guards: GuardVerdict[];
  triggerEventId?: string;
  /** The change it will make: executor, kind, repository, path, key path. */
  change?: PromotionChange;
}

/** What a state transition may change besides the state. */
export interface PromotionPatch {
  change?: PromotionChange;
  deployment?: Promotion['deployment'];
  error?: string;
  checkedAt?: number;
  /** An approver's decision on a promotion awaiting approval. */
  review?: PromotionReview;
  cancelledBy?: string;
}

interface PromotionRow {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  from_version: string | null;
  state: string;
  in_flight: boolean | number | null;
  automatic: boolean | number;
  rollback: boolean | number;
  reason: string | null;
  requested_by: string;
  trigger_event_id: string | null;
  timeline: string;
  guards: string;
  executor: string | null;
  change_kind: string | null;
  auto_merge: boolean | number | null;
  repository: string | null;
  path: string | null;
  key_path: string | null;
  previous_value: string | null;
  change_url: string | null;
  change_number: number | null;
  change_branch: string | null;
  commit_sha: string | null;
  deploy_status: string | null;
  deploy_at: number | string | null;
  deploy_run_url: string | null;
  error: string | null;
  requested_at: number | string;
  updated_at: number | string;
  checked_at: number | string | null;
  review_decision?: string | null;
  reviewed_by?: string | null;
  reviewed_at?: number | string | null;
  review_comment?: string | null;
  cancelled_by?: string | null;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
const opt = <T>(value: T | null): T | undefined =>
  value === null ? undefined : value;

function reviewOf(row: PromotionRow): PromotionReview | undefined {
  if (!row.review_decision || !row.reviewed_by || !row.reviewed_at) {
    return undefined;
  }
  return {
    decision: row.review_decision as PromotionReview['decision'],
    by: row.reviewed_by,
    at: iso(row.reviewed_at),
    comment: opt(row.review_comment ?? null),
  };
}

function fromRow(row: PromotionRow): PromotionRecord {
  const change: PromotionChange | undefined =
    row.executor && row.change_kind && row.repository && row.path
      ? {
          executor: row.executor,
          kind: row.change_kind as PromotionChange['kind'],
          repository: row.repository,
          path: row.path,
          keyPath: row.key_path ?? 'image.tag',
          autoMerge:
            row.auto_merge === null ? undefined : Boolean(row.auto_merge),
          previousValue: opt(row.previous_value),
          url: opt(row.change_url),
          number: opt(row.change_number) ?? undefined,
          branch: opt(row.change_branch),
          commitSha: opt(row.commit_sha),
        }
      : undefined;
  return {
    id: row.id,
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    fromVersion: opt(row.from_version),
    state: row.state as PromotionState,
    reason: opt(row.reason),
    rollback: Boolean(row.rollback),
    automatic: Boolean(row.automatic),
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at),
    updatedAt: iso(row.updated_at),
    timeline: JSON.parse(row.timeline),
    guards: JSON.parse(row.guards),
    change,
    deployment:
      row.deploy_status && row.deploy_at !== null
        ? {
            status: row.deploy_status,
            at: iso(row.deploy_at),
            runUrl: opt(row.deploy_run_url),
          }
        : undefined,
    error: opt(row.error),
    review: reviewOf(row),
    cancelledBy: opt(row.cancelled_by ?? null),
    checkedAt: row.checked_at === null ? undefined : Number(row.checked_at),
  };
}

function changeColumns(change: PromotionChange | undefined) {
  if (!change) return {};
  return {
    executor: change.executor,
    change_kind: change.kind,
    auto_merge: change.autoMerge ?? null,
    repository: change.repository,
    path: change.path,
    key_path: change.keyPath,
    previous_value: change.previousValue ?? null,
    change_url: change.url ?? null,
    change_number: change.number ?? null,
    change_branch: change.branch ?? null,
    commit_sha: change.commitSha ?? null,
  };
}

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
 * A second promotion to an environment while one is in flight there.
 */
export class PromotionInFlightError extends ConflictError {
  constructor(readonly inFlight: PromotionRecord | undefined, target: string) {
    super(
      inFlight
        ? `promotion ${inFlight.id} of ${inFlight.version} to ${
            inFlight.environment
          } is in flight (${inFlight.state.replace('_', ' ')}, requested by ${
            inFlight.requestedBy
          } at ${
            inFlight.requestedAt
          }); wait until it is deployed or has failed, then promote again`
        : `a promotion to ${target} is in flight; wait until it ends, then promote again`,
    );
  }
}

/**
 * Promotions in Backstage's database. The in-flight lock is the unique index described in the
 * migration; transitions are compare-and-set on the state, so two trackers (or a tracker and a
 * request) never both move one promotion.
 */
export class PromotionStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a promotion that passed its guards, taking the (entity, environment) lock, or throws a
   * PromotionInFlightError naming the promotion that holds it.
   */
  async create(
    promotion: NewPromotion,
    now = Date.now(),
    state: 'requested' | 'awaiting-approval' = 'requested',
  ): Promise<PromotionRecord> {
    const row = this.newRow(promotion, state, now);
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
    const row = { ...this.newRow(promotion, 'refused', now), error };
    try {
      await this.db(PROMOTIONS).insert(row);
    } catch (e) {
      // An auto-promotion another run already recorded for the same event.
      if (promotion.triggerEventId && isUniqueViolation(e)) return undefined;
      throw e;
    }
    return fromRow(row as PromotionRow);
  }

  private newRow(promotion: NewPromotion, state: PromotionState, now: number) {
    return {
      id: promotion.id,
      entity_ref: promotion.entityRef,
      environment: promotion.environment,
      version: promotion.version,
      from_version: promotion.fromVersion ?? null,
      state,
      in_flight: isPromotionInFlight(state) ? true : null,
      automatic: promotion.automatic,
      rollback: promotion.rollback,
      reason: promotion.reason ?? null,
      requested_by: promotion.requestedBy,
      trigger_event_id: promotion.triggerEventId ?? null,
      timeline: JSON.stringify([{ state, at: iso(now) }]),
      guards: JSON.stringify(promotion.guards),
      error: null,
      deploy_status: null,
      deploy_at: null,
      deploy_run_url: null,
      checked_at: null,
      requested_at: now,
      updated_at: now,
      ...changeColumns(promotion.change),
    };
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
    const timeline =
      to === current.state
        ? current.timeline
        : [...current.timeline, { state: to, at: iso(now) }];
    const update: Record<string, unknown> = {
      state: to,
      in_flight: isPromotionInFlight(to) ? true : null,
      timeline: JSON.stringify(timeline),
      updated_at: now,
      ...changeColumns(patch.change),
    };
    if (patch.deployment) {
      update.deploy_status = patch.deployment.status;
      update.deploy_at = Date.parse(patch.deployment.at);
      update.deploy_run_url = patch.deployment.runUrl ?? null;
    }
    if (patch.error !== undefined) update.error = patch.error;
    if (patch.checkedAt !== undefined) update.checked_at = patch.checkedAt;
    if (patch.review) {
      update.review_decision = patch.review.decision;
      update.reviewed_by = patch.review.by;
      update.reviewed_at = Date.parse(patch.review.at);
      update.review_comment = patch.review.comment ?? null;
    }
    if (patch.cancelledBy) update.cancelled_by = patch.cancelledBy;
    const count = await this.db(PROMOTIONS)
      .where({
        id,
        state: current.state,
        updated_at: Date.parse(current.updatedAt),
      })
      .update(update);
    return count ? this.get(id) : undefined;
  }

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
