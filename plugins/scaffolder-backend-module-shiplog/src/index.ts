/**
 * Scaffolder actions that make a new service deployable and tracked by Shiplog from its first merge.
 *
 * @packageDocumentation
 */
export { scaffolderModuleShiplog as default } from './module';
export {
  createShiplogBootstrapAction,
  type ShiplogBootstrapActionOptions,
} from './actions/bootstrap';
export {
  RUNTIMES,
  REGISTRIES,
  CI_SYSTEMS,
  GITOPS_LAYOUTS,
  type Runtime,
  type RegistryType,
  type CiSystem,
  type BootstrapInput,
} from './bootstrap/options';
