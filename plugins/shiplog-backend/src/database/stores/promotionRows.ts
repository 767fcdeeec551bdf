import {
  isPromotionInFlight,
  PromotionChange,
  PromotionReview,
  PromotionState,
} from '@shiplog/plugin-shiplog-common';
import type {
  NewPromotion,
  PromotionPatch,
  PromotionRecord,
} from './promotionRecord';

export interface PromotionRow {
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

export const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
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

export function fromRow(row: PromotionRow): PromotionRecord {
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

/** The row a new promotion starts as. */
export function newPromotionRow(
  promotion: NewPromotion,
  state: PromotionState,
  now: number,
) {
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

/** The columns a transition to `to` writes: the state, its lock, the timeline and the patch. */
export function transitionColumns(
  current: PromotionRecord,
  to: PromotionState,
  patch: PromotionPatch,
  now: number,
): Record<string, unknown> {
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
  return update;
}
