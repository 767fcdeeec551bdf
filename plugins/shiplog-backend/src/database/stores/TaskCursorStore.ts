import { Knex } from 'knex';
import { TABLES } from '../tables';

const TASK_CURSORS = TABLES.taskCursors;

/**
 * Where a scheduled task stopped, one JSON value per task name. A scheduled task runs on one replica
 * at a time, so a plain upsert is enough: no two writers race on one name.
 */
export class TaskCursorStore {
  constructor(private readonly db: Knex) {}

  /** The task's cursor, or undefined before its first save (or when it is not JSON any more). */
  async get(name: string): Promise<unknown> {
    const row: { value: string } | undefined = await this.db(TASK_CURSORS)
      .where({ name })
      .first('value');
    if (!row) return undefined;
    try {
      return JSON.parse(row.value);
    } catch {
      return undefined;
    }
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.db(TASK_CURSORS)
      .insert({ name, value: JSON.stringify(value), updated_at: Date.now() })
      .onConflict('name')
      .merge(['value', 'updated_at']);
  }
}
