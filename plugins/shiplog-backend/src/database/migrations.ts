import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The plugin's Knex migrations; ShiplogDatabase applies them, tests apply them to their own databases. */
export const migrationsDir = resolvePackagePath(
  '@shiplog/plugin-shiplog-backend',
  'migrations',
);
