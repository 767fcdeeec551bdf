export type {
  PromotionChangeRequest,
  PromotionChangeResult,
  PromotionChangeStatus,
  PromotionExecutor,
} from './executor';
export { shiplogPromotionExecutorsExtensionPoint } from './extensionPoint';
export type { ShiplogPromotionExecutorsExtensionPoint } from './extensionPoint';
export {
  createShiplogPromotionConditionalDecision,
  shiplogPromotionConditions,
  shiplogPromotionPermissionResourceRef,
  shiplogPromotionPermissionRules,
} from './permissions';
export type {
  ShiplogPromotionFilter,
  ShiplogPromotionResource,
} from './permissions';
