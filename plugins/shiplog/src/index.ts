/**
 * Shiplog's frontend plugin: what runs where, what changed and what is drifting, on entity pages.
 *
 * @packageDocumentation
 */
export {
  shiplogPlugin,
  EntityShiplogContent,
  EntityShiplogOverviewCard,
  EntityShiplogOrgContent,
  EntityShiplogOrgCard,
  EntityShiplogDoraCard,
} from './plugin';
export { createShiplogVersionColumns } from './components/CatalogColumns';
export { isShiplogOrgViewAvailable } from './isShiplogAvailable';
export { isShiplogAvailable } from './isShiplogAvailable';
export { shiplogApiRef } from './api/ShiplogApi';
export type {
  ShiplogApi,
  DeploymentsQuery,
  PromotionDecisionKind,
} from './api/ShiplogApi';
export { ShiplogClient } from './api/ShiplogClient';
