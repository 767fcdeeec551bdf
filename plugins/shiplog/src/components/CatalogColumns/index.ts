export { createShiplogVersionColumns } from './createShiplogVersionColumns';
export { DeployedVersionCell } from './DeployedVersionCell';
