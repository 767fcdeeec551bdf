export type {
  DeliveryMetricsStore,
  DeliverySummary,
  DeliveryWeekFacts,
  DeliveryWeekSummary,
  DurationMedian,
  DeliveryWindow,
  DeploymentCounts,
  RollupCellRecord,
  RollupStore,
  CommitStore,
  DeploymentCursor,
  DeploymentStore,
  DeployTarget,
  EnvironmentStore,
  LedgerEventStore,
  LedgerStores,
  ListDeploymentsOptions,
  ReleaseStore,
} from './types';
export { DatabaseCommitStore } from './DatabaseCommitStore';
export { DatabaseDeploymentStore } from './DatabaseDeploymentStore';
export { DatabaseEnvironmentStore } from './DatabaseEnvironmentStore';
export { DatabaseLedgerEventStore } from './DatabaseLedgerEventStore';
export { DatabaseReleaseStore } from './DatabaseReleaseStore';
export { DatabaseDeliveryMetricsStore } from './DatabaseDeliveryMetricsStore';
export { DatabaseRollupStore } from './DatabaseRollupStore';
export { PromotionInFlightError, PromotionStore } from './PromotionStore';
export type {
  NewPromotion,
  PromotionPatch,
  PromotionRecord,
} from './PromotionStore';
export { TaskCursorStore } from './TaskCursorStore';
export { WebhookDeliveryStore } from './WebhookDeliveryStore';
