export { EntityShiplogOverviewCard } from './EntityShiplogOverviewCard';
