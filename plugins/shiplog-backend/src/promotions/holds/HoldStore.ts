import { EnvironmentHold } from '@shiplog/plugin-shiplog-common';
import { Knex } from 'knex';
import { TABLES } from '../../database/tables';

const HOLDS = TABLES.environmentHolds;

interface HoldRow {
  entity_ref: string;
  environment: string;
  held_by: string;
  reason: string;
  held_at: number | string;
  promotion_id: string | null;
}

/** A hold as the store keeps it: the public shape and the entity it is on. */
export type HoldRecord = EnvironmentHold & { entityRef: string };

const fromRow = (row: HoldRow): HoldRecord => ({
  entityRef: row.entity_ref,
  environment: row.environment,
  heldBy: row.held_by,
  since: new Date(Number(row.held_at)).toISOString(),
  reason: row.reason,
  promotionId: row.promotion_id ?? undefined,
});

/**
 * Held environments in the database: at most one hold per (entity, environment), so placing a hold
 * on a held environment replaces who holds it and why.
 */
export class HoldStore {
  constructor(private readonly db: Knex) {}

  async place(
    hold: Omit<HoldRecord, 'since'>,
    now = Date.now(),
  ): Promise<HoldRecord> {
    const row: HoldRow = {
      entity_ref: hold.entityRef,
      environment: hold.environment,
      held_by: hold.heldBy,
      reason: hold.reason,
      held_at: now,
      promotion_id: hold.promotionId ?? null,
    };
    await this.db(HOLDS)
      .insert(row)
      .onConflict(['entity_ref', 'environment'])
      .merge(['held_by', 'reason', 'held_at', 'promotion_id']);
    return fromRow(row);
  }

  /** Releases the hold; the hold that was released, or undefined when there was none. */
  async release(
    entityRef: string,
    environment: string,
  ): Promise<HoldRecord | undefined> {
    const held = await this.get(entityRef, environment);
    if (!held) return undefined;
    const count = await this.db(HOLDS)
      .where({ entity_ref: entityRef, environment })
      .delete();
    return count ? held : undefined;
  }

  async get(
    entityRef: string,
    environment: string,
  ): Promise<HoldRecord | undefined> {
    const row: HoldRow | undefined = await this.db(HOLDS)
      .where({ entity_ref: entityRef, environment })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async listFor(entityRef: string): Promise<HoldRecord[]> {
    const rows: HoldRow[] = await this.db(HOLDS)
      .where({ entity_ref: entityRef })
      .orderBy('environment');
    return rows.map(fromRow);
  }
}
