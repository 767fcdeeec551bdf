import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createShiplogBootstrapAction } from './actions/bootstrap';
import { createShiplogDeployLabelsAction } from './actions/githubDeployLabels';
import { createShiplogNextVersionAction } from './actions/nextVersion';
import { createShiplogSetImageAction } from './actions/setImage';

/**
 * Registers Shiplog's scaffolder actions.
 *
 * @public
 */
export const scaffolderModuleShiplog = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'shiplog',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        const integrations = ScmIntegrations.fromConfig(config);
        scaffolder.addActions(
          createShiplogBootstrapAction({
            integrations,
            defaultShiplogUrl: config.getString('backend.baseUrl'),
          }),
          createShiplogNextVersionAction(),
          createShiplogDeployLabelsAction({ integrations }),
          createShiplogSetImageAction(),
        );
      },
    });
  },
});
