import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { shiplogApiRef } from './api/ShiplogApi';
import { ShiplogClient } from './api/ShiplogClient';
import { loadEntityContent, loadOrgContent } from './lazyViews';

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
      lazy: () => loadEntityContent().then(m => m.EntityShiplogContent),
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

/**
 * The Deployments tab of a System, Group or Domain: components × environments across what it covers,
 * and DORA metrics. Lazy-loaded.
 *
 * @public
 */
export const EntityShiplogOrgContent = shiplogPlugin.provide(
  createComponentExtension({
    name: 'EntityShiplogOrgContent',
    component: {
      lazy: () => loadOrgContent().then(m => m.OrgDeploymentsContent),
    },
  }),
);

/**
 * A System's, Group's or Domain's deployments at a glance, for its overview page. Lazy-loaded.
 *
 * @public
 */
export const EntityShiplogOrgCard = shiplogPlugin.provide(
  createComponentExtension({
    name: 'EntityShiplogOrgCard',
    component: {
      lazy: () =>
        import('./components/OrgDeploymentsCard').then(
          m => m.OrgDeploymentsCard,
        ),
    },
  }),
);

/**
 * DORA's five metrics, with weekly trends and performance levels, for any Component, System, Group or
 * Domain. Lazy-loaded; its charts load only with it.
 *
 * @public
 */
export const EntityShiplogDoraCard = shiplogPlugin.provide(
  createComponentExtension({
    name: 'EntityShiplogDoraCard',
    component: {
      lazy: () => import('./components/DoraCard').then(m => m.DoraCard),
    },
  }),
);
