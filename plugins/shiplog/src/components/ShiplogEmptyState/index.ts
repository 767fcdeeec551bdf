export { ShiplogEmptyState } from './ShiplogEmptyState';
