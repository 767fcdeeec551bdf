import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { shiplogApiRef } from '../api/ShiplogApi';
import { ShiplogClient } from '../api/ShiplogClient';
import { loadEntityContent, loadOrgContent } from '../lazyViews';

const shiplogApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: shiplogApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ShiplogClient({ discoveryApi, fetchApi }),
    }),
});

/** The Deployments tab on every component; it explains what to add where Shiplog knows nothing yet. */
const shiplogEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: { kind: 'component' },
    loader: () => loadEntityContent().then(m => <m.EntityShiplogContent />),
  },
});

const shiplogEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('../components/EntityShiplogOverviewCard').then(m => (
        <m.EntityShiplogOverviewCard />
      )),
  },
});

/** The Deployments tab of Systems, Groups and Domains: their components × environments, and DORA. */
const shiplogOrgContent = EntityContentBlueprint.make({
  name: 'org',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: { kind: { $in: ['system', 'group', 'domain'] } },
    loader: () => loadOrgContent().then(m => <m.OrgDeploymentsContent />),
  },
});

/** Their deployments at a glance, on their overview page. */
const shiplogOrgCard = EntityCardBlueprint.make({
  name: 'org-overview',
  params: {
    filter: { kind: { $in: ['system', 'group', 'domain'] } },
    loader: () =>
      import('../components/OrgDeploymentsCard').then(m => (
        <m.OrgDeploymentsCard />
      )),
  },
});

/**
 * DORA's metrics as a card of its own, for any Component, System, Group or Domain overview. Disabled
 * by default (the org tab already shows it); enable it in `app.extensions`.
 */
const shiplogDoraCard = EntityCardBlueprint.make({
  name: 'dora',
  disabled: true,
  params: {
    filter: { kind: { $in: ['component', 'system', 'group', 'domain'] } },
    loader: () => import('../components/DoraCard').then(m => <m.DoraCard />),
  },
});

/**
 * Shiplog's frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'shiplog',
  info: { packageJson: () => import('../../package.json') },
  extensions: [
    shiplogApi,
    shiplogEntityContent,
    shiplogEntityCard,
    shiplogOrgContent,
    shiplogOrgCard,
    shiplogDoraCard,
  ],
});

export { shiplogTranslationRef } from '../translation';
export { createShiplogCatalogColumnsModule } from './catalogColumns';
