import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { shiplogApiRef } from './api/ShiplogApi';
import { ShiplogClient } from './api/ShiplogClient';

/**
 * Shiplog's frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const shiplogPlugin = createPlugin({
  id: 'shiplog',
  apis: [
    createApiFactory({
      api: shiplogApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ShiplogClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The Deployments tab of an entity page. Lazy-loaded.
 *
 * @public
 */
export const EntityShiplogContent = shiplogPlugin.provide(
  createComponentExtension({
    name: 'EntityShiplogContent',
    component: {
      lazy: () =>
        import('./components/EntityShiplogContent').then(
          m => m.EntityShiplogContent,
        ),
    },
  }),
);

/**
 * The compact environment matrix for an entity's overview page. Lazy-loaded.
 *
 * @public
 */
export const EntityShiplogOverviewCard = shiplogPlugin.provide(
  createComponentExtension({
    name: 'EntityShiplogOverviewCard',
    component: {
      lazy: () =>
        import('./components/EntityShiplogOverviewCard').then(
          m => m.EntityShiplogOverviewCard,
        ),
    },
  }),
);
