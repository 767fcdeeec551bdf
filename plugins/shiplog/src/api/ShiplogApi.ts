import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ChangelogResponse,
  Deployment,
  EnvironmentsResponse,
  Page,
  Promotion,
  PromotionPreview,
  PromotionRequestInput,
  PromotionState,
  Release,
} from '@shiplog/plugin-shiplog-common';

/** @public */
export interface DeploymentsQuery {
  environment?: string;
  status?: Deployment['status'];
  cursor?: string;
  limit?: number;
}

/** @public */
export interface PromotionsQuery {
  environment?: string;
  state?: PromotionState;
  cursor?: string;
  limit?: number;
}

/**
 * Reads Shiplog's backend API for one entity.
 *
 * @public
 */
export interface ShiplogApi {
  getEnvironments(entity: CompoundEntityRef): Promise<EnvironmentsResponse>;
  getReleases(
    entity: CompoundEntityRef,
    options?: { cursor?: string; limit?: number },
  ): Promise<Page<Release>>;
  getDeployments(
    entity: CompoundEntityRef,
    query?: DeploymentsQuery,
  ): Promise<Page<Deployment>>;
  getChangelog(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ChangelogResponse>;
  /** What promoting would do, every guard's verdict and the changelog; changes nothing. */
  previewPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<PromotionPreview>;
  /** Promotes: answers once the GitOps change is made; the promotion then moves on by itself. */
  createPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<Promotion>;
  getPromotions(
    entity: CompoundEntityRef,
    query?: PromotionsQuery,
  ): Promise<Page<Promotion>>;
}

/** @public */
export const shiplogApiRef = createApiRef<ShiplogApi>({
  id: 'plugin.shiplog.api',
});
