import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { tuneSqlite } from './tuneSqlite';

const migrationsDir = resolvePackagePath(
  '@shiplog/plugin-shiplog-backend',
  'migrations',
);

/** Tunes SQLite and brings the plugin's schema up to date, unless the operator manages migrations (`skip`). */
export async function applyDatabaseMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  await tuneSqlite(client);
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

export { migrationsDir };
