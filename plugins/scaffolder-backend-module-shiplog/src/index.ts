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
export { createShiplogNextVersionAction } from './actions/nextVersion';
export {
  createShiplogDeployLabelsAction,
  type ShiplogDeployLabelsActionOptions,
} from './actions/githubDeployLabels';
export { createShiplogSetImageAction } from './actions/setImage';
// The one conventional-commit reader lives in shiplog-common; re-exported for this module's users.
export {
  bumpOfCommit,
  bumpOfCommits,
  applyBump as nextVersion,
  type VersionBump,
} from '@shiplog/plugin-shiplog-common';
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
export {
  DEPLOY_MODES,
  SECRET_STORES,
  type DeployMode,
  type SecretStore,
} from './bootstrap/deliveryOptions';
