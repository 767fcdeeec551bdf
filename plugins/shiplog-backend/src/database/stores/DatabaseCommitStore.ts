import { Knex } from 'knex';
import { orUndefined } from '../rows';
import { TABLES } from '../tables';
import { CommitRecord } from '../types';
import { CommitStore } from './types';

const COMMITS = TABLES.commits;
const PULL_REQUESTS = TABLES.pullRequests;

interface CommitWithPullRequestRow {
  sha: string;
  position: number;
  message: string | null;
  author: string | null;
  pr_number: number | null;
  pr_title: string | null;
  pr_labels: string | null;
  pr_url: string | null;
}

function commitFromRow(row: CommitWithPullRequestRow): CommitRecord {
  return {
    sha: row.sha,
    position: Number(row.position),
    message: orUndefined(row.message),
    author: orUndefined(row.author),
    pullRequest:
      row.pr_number === null
        ? undefined
        : {
            number: Number(row.pr_number),
            title: orUndefined(row.pr_title),
            labels: row.pr_labels ? JSON.parse(row.pr_labels) : [],
            url: orUndefined(row.pr_url),
          },
  };
}

/** Commits from the `shiplog_commits` read model, ranges by the (entity_ref, position) index. */
export class DatabaseCommitStore implements CommitStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  async getCommitPositions(
    entityRef: string,
    shas: string[],
  ): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    if (!shas.length) {
      return positions;
    }
    const rows: Array<{ sha: string; position: number }> = await this.db(
      COMMITS,
    )
      .where({ entity_ref: entityRef })
      .whereIn('sha', shas)
      .select('sha', 'position');
    for (const row of rows) {
      positions.set(row.sha, Number(row.position));
    }
    return positions;
  }

  async countCommitsBetween(
    entityRef: string,
    after: number,
    upTo?: number,
  ): Promise<number> {
    const query = this.db(COMMITS)
      .where({ entity_ref: entityRef })
      .where('position', '>', after);
    if (upTo !== undefined) {
      query.where('position', '<=', upTo);
    }
    const [row] = await query.count({ count: '*' });
    return Number(row.count);
  }

  /** One query: the commits joined to their pull requests. */
  async listCommitsBetween(
    entityRef: string,
    after: number,
    upTo: number | undefined,
    limit: number,
  ): Promise<CommitRecord[]> {
    const query = this.db(`${COMMITS} as c`)
      .leftJoin(`${PULL_REQUESTS} as p`, join =>
        join
          .on('p.entity_ref', 'c.entity_ref')
          .andOn('p.number', 'c.pr_number'),
      )
      .where('c.entity_ref', entityRef)
      .where('c.position', '>', after)
      .orderBy('c.position', 'desc')
      .limit(limit)
      .select(
        'c.sha',
        'c.position',
        'c.message',
        'c.author',
        'c.pr_number',
        'p.title as pr_title',
        'p.labels as pr_labels',
        'p.url as pr_url',
      );
    if (upTo !== undefined) {
      query.where('c.position', '<=', upTo);
    }
    if (this.isPostgres) {
      // The environments matrix asks on every view: planned once per connection, like its states.
      query.options({
        name: `shiplog_commits_between_v1_${
          upTo === undefined ? 'open' : 'upto'
        }`,
      });
    }
    const rows: CommitWithPullRequestRow[] = await query;
    return rows.map(commitFromRow);
  }
}
