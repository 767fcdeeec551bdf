import { CustomErrorBase } from '@backstage/errors';
import { GuardVerdict } from '@shiplog/plugin-shiplog-common';

/**
 * A promotion refused: by a guard, by the values file (key missing, not a scalar), or because the
 * entity lacks what a promotion needs (annotations). Answered 422 with Backstage's error body; the
 * message names the guard and how to proceed.
 */
export class PromotionRefusedError extends CustomErrorBase {
  readonly name = 'PromotionRefusedError';
  readonly statusCode = 422;
  constructor(message: string, readonly refusals: GuardVerdict[] = []) {
    super(message);
  }

  static fromGuards(refusals: GuardVerdict[]): PromotionRefusedError {
    return new PromotionRefusedError(
      `Promotion refused by ${refusals
        .map(
          verdict =>
            `guard ${verdict.guard}: ${verdict.message}. ${verdict.howToProceed}`,
        )
        .join('; ')}`,
      refusals,
    );
  }
}

/** The GitOps host failed to make the change (unreachable, credentials refused, ...): 502. */
export class PromotionExecutionError extends CustomErrorBase {
  readonly name = 'PromotionExecutionError';
  readonly statusCode = 502;
}
