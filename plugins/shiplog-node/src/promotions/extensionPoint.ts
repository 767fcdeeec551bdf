import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PromotionExecutor } from './executor';

/**
 * Lets backend modules add promotion executors (GitLab, Bitbucket, Spinnaker, ...) without forking
 * Shiplog. Added executors are asked before the built-in GitHub and plain Git ones.
 *
 * @public
 */
export interface ShiplogPromotionExecutorsExtensionPoint {
  addExecutor(...executors: PromotionExecutor[]): void;
}

/**
 * @public
 */
export const shiplogPromotionExecutorsExtensionPoint =
  createExtensionPoint<ShiplogPromotionExecutorsExtensionPoint>({
    id: 'shiplog.promotion-executors',
  });
