import { Knex } from 'knex';
import { TABLES } from '../tables';
import { chunks } from './batch';

const COMMITS = TABLES.commits;

/**
 * How many commits after the first one a push lists may move to restore its order. A push re-listing
 * a commit from far back in history (a force-push restoring old work) keeps the positions it has
 * rather than rewrite the whole history in one transaction.
 */
export const MAX_REORDERED_COMMITS = 1000;

/** The commits a push (a `commits` event) lists for one component, oldest first as Git sends them. */
export interface PushedCommits {
  entityRef: string;
  shas: string[];
}

async function positionsOf(
  trx: Knex.Transaction,
  { entityRef, shas }: PushedCommits,
): Promise<number[]> {
  const rows: Array<{ sha: string; position: number | string }> = await trx(
    COMMITS,
  )
    .where('entity_ref', entityRef)
    .whereIn('sha', shas)
    .select('sha', 'position');
  const bySha = new Map(rows.map(row => [row.sha, Number(row.position)]));
  return shas.flatMap(sha => (bySha.has(sha) ? [bySha.get(sha)!] : []));
}

const increasing = (positions: number[]) =>
  positions.every((p, i) => i === 0 || positions[i - 1] < p);

/**
 * Writes new positions under the unique (entity_ref, position) index: first to their negatives, which
 * no row holds, then back, so no statement ever sees two rows at one position.
 */
async function movePositions(
  trx: Knex.Transaction,
  entityRef: string,
  moves: Array<{ sha: string; position: number }>,
) {
  for (const part of chunks(moves)) {
    const cases = part.map(() => 'WHEN ? THEN CAST(? AS BIGINT)').join(' ');
    await trx(COMMITS)
      .where('entity_ref', entityRef)
      .whereIn(
        'sha',
        part.map(move => move.sha),
      )
      .update({
        position: trx.raw(
          `CASE sha ${cases} END`,
          part.flatMap(move => [move.sha, -move.position]),
        ),
      });
  }
  await trx(COMMITS)
    .where('entity_ref', entityRef)
    .where('position', '<', 0)
    .update({ position: trx.raw('-position') });
}

/**
 * A push is authoritative for the order of the commits it lists: a commit first seen through a build
 * or a release (which names only its own commit) before the push arrived is moved so the pushed
 * commits stand in the pushed order, followed by the commits that came after them. Runs under the
 * component's ledger lock, after the batch's new commits were inserted.
 */
export async function orderPushedCommits(
  trx: Knex.Transaction,
  push: PushedCommits,
): Promise<void> {
  if (push.shas.length < 2) return;
  const listed = await positionsOf(trx, push);
  if (increasing(listed)) return;
  const start = Math.min(...listed);
  const tail: Array<{ sha: string }> = await trx(COMMITS)
    .where('entity_ref', push.entityRef)
    .where('position', '>=', start)
    .orderBy('position', 'asc')
    .limit(MAX_REORDERED_COMMITS + 1)
    .select('sha');
  if (tail.length > MAX_REORDERED_COMMITS) return;
  const pushed = new Set(push.shas);
  const order = [
    ...push.shas,
    ...tail.map(row => row.sha).filter(sha => !pushed.has(sha)),
  ];
  await movePositions(
    trx,
    push.entityRef,
    order.map((sha, index) => ({ sha, position: start + index })),
  );
}
