import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ArgoCdStateResponse,
  ArgoCdSyncRequest,
  ArgoCdSyncResponse,
  ChangelogResponse,
  Deployment,
  DoraResponse,
  EnvironmentHold,
  EnvironmentsResponse,
  Page,
  Promotion,
  PromotionPreview,
  PromotionRequestInput,
  PromotionState,
  Release,
  RollupResponse,
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
  /** Live Argo CD state of the entity's applications, with each instance's status. */
  getArgoCdState(entity: CompoundEntityRef): Promise<ArgoCdStateResponse>;
  /** Starts a manual sync; needs the `shiplog.argocd.sync` permission on the entity. */
  syncArgoCdApplication(
    entity: CompoundEntityRef,
    request: ArgoCdSyncRequest,
  ): Promise<ArgoCdSyncResponse>;
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
  /** What runs where across the components a Component, System, Group or Domain covers. */
  getRollup(entity: CompoundEntityRef): Promise<RollupResponse>;
  /** DORA metrics of those components over [from, to) (ISO), by default the last 30 days. */
  getDora(
    entity: CompoundEntityRef,
    window?: { from?: string; to?: string },
  ): Promise<DoraResponse>;
  /** Holds an environment (auto-promotion into it stops); needs `shiplog.environment.hold`. */
  holdEnvironment(
    entity: CompoundEntityRef,
    environment: string,
    reason: string,
  ): Promise<EnvironmentHold>;
  /** Releases an environment's hold; needs `shiplog.environment.hold`. */
  releaseEnvironmentHold(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<EnvironmentHold>;
  /** Approves or rejects a promotion awaiting approval, or cancels one in flight. */
  decidePromotion(
    entity: CompoundEntityRef,
    promotionId: string,
    decision: PromotionDecisionKind,
    comment?: string,
  ): Promise<Promotion>;
}

/** @public */
export type PromotionDecisionKind = 'approve' | 'reject' | 'cancel';

/** @public */
export const shiplogApiRef = createApiRef<ShiplogApi>({
  id: 'plugin.shiplog.api',
});
