import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Auth: guest sign-in for the demo portal; see https://backstage.io/docs/auth/
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions
backend.add(import('@backstage/plugin-permission-backend'));
// A sample policy: everything allowed, except promoting to prod and syncing Argo CD, which only the
// component's owners may do (README: "Promotions").
backend.add(import('./modules/permissionPolicy'));

// Scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
// Shiplog's scaffolder actions: shiplog:bootstrap, shiplog:next-version, shiplog:gitops:set-image
backend.add(import('@shiplog/plugin-scaffolder-backend-module-shiplog'));

// Search
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// User settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// Events: webhook ingresses. GitHub's (signature-verified, one webhook for catalog and Shiplog) and
// Shiplog's Harbor and Argo CD ingresses (shared secrets).
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@shiplog/plugin-events-backend-module-shiplog'));

// Shiplog: the release ledger
backend.add(import('@shiplog/plugin-shiplog-backend'));

// MCP clients (an AI assistant) call the actions plugins register (backend.actions.pluginSources):
// Shiplog's what-runs-where, DORA metrics and promotion preview, under the caller's own permissions.
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Demo release history, written through Shiplog's own ingest API (development only)
backend.add(import('./modules/demoData'));

backend.start();
