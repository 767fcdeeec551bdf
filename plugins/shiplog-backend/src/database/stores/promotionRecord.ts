import { ConflictError } from '@backstage/errors';
import {
  GuardVerdict,
  Promotion,
  PromotionChange,
  PromotionReview,
} from '@shiplog/plugin-shiplog-common';

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
