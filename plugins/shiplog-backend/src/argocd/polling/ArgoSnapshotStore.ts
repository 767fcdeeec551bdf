import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { createHash } from 'crypto';
import { Knex } from 'knex';
import { TABLES } from '../../database/tables';

const TABLE = TABLES.argocdSnapshots;

export interface ArgoSnapshot {
  instance: string;
  generation: number;
  /** Last successful list, epoch ms. */
  fetchedAt?: number;
  attemptedAt: number;
  error?: string;
  applications: ArgoApplication[];
}

interface SnapshotHeader {
  instance: string;
  generation: number | string;
  fetched_at: number | string | null;
  attempted_at: number | string;
  error: string | null;
}

/**
 * Snapshots in the database, parsed once per change per replica: a page view costs one small query
 * for the headers, and a JSON parse only when the poller wrote something new.
 */
export class ArgoSnapshotStore {
  private readonly parsed = new Map<
    string,
    { generation: number; applications: ArgoApplication[] }
  >();

  constructor(
    private readonly db: Knex,
    /** How long a read is shared; other replicas' writes show after at most this long. */
    private readonly memoMs = 500,
  ) {}

  private recent?: { at: number; value: Promise<Map<string, ArgoSnapshot>> };

  /**
   * The snapshots; concurrent and back-to-back reads within half a second share one query (snapshots
   * change once per refresh interval, seconds apart).
   */
  read(): Promise<Map<string, ArgoSnapshot>> {
    const now = Date.now();
    if (this.recent && now - this.recent.at < this.memoMs) {
      return this.recent.value;
    }
    const value = this.readNow();
    this.recent = { at: now, value };
    value.catch(() => {
      if (this.recent?.value === value) this.recent = undefined;
    });
    return value;
  }

  private async readNow(): Promise<Map<string, ArgoSnapshot>> {
    const headers: SnapshotHeader[] = await this.db(TABLE).select(
      'instance',
      'generation',
      'fetched_at',
      'attempted_at',
      'error',
    );
    const stale = headers.filter(
      h => this.parsed.get(h.instance)?.generation !== Number(h.generation),
    );
    if (stale.length) {
      const rows: Array<{
        instance: string;
        generation: number | string;
        applications: string;
      }> = await this.db(TABLE)
        .whereIn(
          'instance',
          stale.map(h => h.instance),
        )
        .select('instance', 'generation', 'applications');
      for (const row of rows) {
        this.parsed.set(row.instance, {
          generation: Number(row.generation),
          applications: JSON.parse(row.applications),
        });
      }
    }
    return new Map(
      headers.map(h => [
        h.instance,
        {
          instance: h.instance,
          generation: Number(h.generation),
          fetchedAt: h.fetched_at === null ? undefined : Number(h.fetched_at),
          attemptedAt: Number(h.attempted_at),
          error: h.error ?? undefined,
          applications: this.parsed.get(h.instance)?.applications ?? [],
        },
      ]),
    );
  }

  /** What this replica last wrote per instance, so an unchanged list is not rewritten. */
  private readonly written = new Map<string, string>();

  /**
   * Records a successful list. An unchanged list only moves the timestamps and keeps its generation, so
   * readers keep their parsed copy and cached answers.
   */
  async saveApplications(
    instance: string,
    applications: ArgoApplication[],
    at: number,
  ): Promise<void> {
    this.recent = undefined;
    const json = JSON.stringify(applications);
    const digest = createHash('sha256').update(json).digest('hex');
    if (this.written.get(instance) === digest) {
      const updated = await this.db(TABLE)
        .where({ instance })
        .update({
          fetched_at: at,
          attempted_at: at,
          error: null,
          // Recovering from an error changes what pages show.
          generation: this.db.raw(
            'CASE WHEN error IS NULL THEN generation ELSE generation + 1 END',
          ),
        });
      if (updated) {
        this.recent = undefined;
        return;
      }
    }
    await this.upsert(instance, {
      fetched_at: at,
      attempted_at: at,
      error: null,
      applications: json,
    });
    this.written.set(instance, digest);
    this.recent = undefined;
  }

  /** Records a failed list, keeping the last good applications beside the error. */
  async saveError(instance: string, error: string, at: number): Promise<void> {
    this.recent = undefined;
    await this.db(TABLE)
      .insert({
        instance,
        generation: 1,
        fetched_at: null,
        attempted_at: at,
        error,
        applications: '[]',
      })
      .onConflict('instance')
      .merge({
        generation: this.db.raw('?? + 1', [`${TABLE}.generation`]),
        attempted_at: at,
        error,
      });
    this.recent = undefined;
  }

  private async upsert(
    instance: string,
    values: {
      fetched_at: number;
      attempted_at: number;
      error: null;
      applications: string;
    },
  ) {
    await this.db(TABLE)
      .insert({ instance, generation: 1, ...values })
      .onConflict('instance')
      .merge({
        ...values,
        generation: this.db.raw('?? + 1', [`${TABLE}.generation`]),
      });
  }
}
