import { Knex } from 'knex';
import { ReleaseRow, releaseFromRow } from '../rows';
import { TABLES } from '../tables';
import { ReleaseRecord } from '../types';
import { ReleaseStore } from './types';

const RELEASES = TABLES.releases;

/** Releases from the `shiplog_releases` read model; every query uses the (entity_ref, version_key) index. */
export class DatabaseReleaseStore implements ReleaseStore {
  constructor(private readonly db: Knex) {}

  async getReleases(
    entityRef: string,
    versions: string[],
  ): Promise<ReleaseRecord[]> {
    if (!versions.length) {
      return [];
    }
    const rows: ReleaseRow[] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .whereIn('version', versions);
    return rows.map(releaseFromRow);
  }

  async listReleases(
    entityRef: string,
    options: { limit: number; beforeKey?: string },
  ): Promise<ReleaseRecord[]> {
    const query = this.db<ReleaseRow>(RELEASES)
      .where({ entity_ref: entityRef })
      .orderBy('version_key', 'desc')
      .limit(options.limit);
    if (options.beforeKey !== undefined) {
      query.where('version_key', '<', options.beforeKey);
    }
    const rows: ReleaseRow[] = await query;
    return rows.map(releaseFromRow);
  }

  async listReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<ReleaseRecord[]> {
    const rows: ReleaseRow[] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .where('version_key', '>', fromKey)
      .where('version_key', '<=', toKey)
      .orderBy('version_key', 'asc')
      .limit(10_000);
    return rows.map(releaseFromRow);
  }

  async countReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<number> {
    const [row] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .where('version_key', '>', fromKey)
      .where('version_key', '<=', toKey)
      .count({ count: '*' });
    return Number(row.count);
  }
}
