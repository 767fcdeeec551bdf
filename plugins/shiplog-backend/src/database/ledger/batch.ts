import { Knex } from 'knex';
import { LedgerEvent } from '../types';

/** Rows per INSERT: far below both databases' bound-parameter limits, large enough to amortise a round trip. */
const CHUNK = 500;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/** A map key of several parts (entity ref, sha, environment, ...), none of which contains NUL. */
export const keyOf = (...parts: Array<string | number | undefined>) =>
  parts.map(String).join('\u0000');

/** A release as the batch's upsert left it: what the deployment fold and the delivery facts read. */
export interface UpsertedRelease {
  version_key: string;
  commit_sha: string | null;
}

/** What each projection gets: the ingest transaction and each event's time, parsed once per batch. */
export interface ProjectionBatch {
  trx: Knex.Transaction;
  at(event: LedgerEvent): number;
  /**
   * The batch's releases by `keyOf(entityRef, version)`, as their upsert returned them (filled by
   * `projectReleases`): later projections read them here instead of selecting them again.
   */
  releases: Map<string, UpsertedRelease>;
  /**
   * How DORA's delivery facts are folded: `auto` (environments extended in time order in memory,
   * the rest one deployment at a time) or `per-deployment` everywhere, which tests compare it with.
   */
  deliveryFold?: 'auto' | 'per-deployment';
}
