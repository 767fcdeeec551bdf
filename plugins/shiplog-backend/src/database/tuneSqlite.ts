import { Knex } from 'knex';
import { reuseSqliteStatements } from './sqliteStatementCache';

/**
 * On SQLite (the portal's default), use write-ahead logging with normal synchronisation: without it
 * every commit waits for an fsync of a rollback journal, which caps the ledger at a few hundred
 * transactions a second. WAL keeps commits atomic and durable across application crashes; a power
 * loss may lose the last commits, which CI retries recover since ingest is idempotent. Prepared
 * statements are reused as well.
 */
export async function tuneSqlite(client: Knex): Promise<void> {
  const dialect = String(client.client.config.client);
  if (!dialect.includes('sqlite')) {
    return;
  }
  await client.raw('PRAGMA journal_mode = WAL');
  await client.raw('PRAGMA synchronous = NORMAL');
  reuseSqliteStatements(client);
}
