export { EntityShiplogContent } from './EntityShiplogContent';
