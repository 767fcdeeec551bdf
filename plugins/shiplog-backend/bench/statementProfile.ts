/* eslint-disable no-console */
/**
 * Where a benchmark phase's database time goes: every statement knex sends, grouped by its shape
 * (values and `IN (?, ?, ...)` lists collapsed), with its count and total time. Printed per phase with
 * `--profile`, so a slower ingest can be traced to the read model that costs it.
 */
import { Knex } from 'knex';
import { performance } from 'node:perf_hooks';

interface QueryEvent {
  __knexQueryUid?: string;
  sql?: string;
}

interface Shape {
  count: number;
  ms: number;
}

/** The statement without its values: lists of placeholders and numbers collapse to one mark. */
function statementShape(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\((?:\s*(?:\?|\$\d+)\s*,?)+\)/g, '(…)')
    .replace(/(?:\(…\)\s*,\s*)+\(…\)/g, '(…)')
    .slice(0, 160);
}

export class StatementProfile {
  private readonly started = new Map<string, { sql: string; at: number }>();
  private readonly shapes = new Map<string, Shape>();
  private recording = false;

  constructor(knex: Knex) {
    knex.on('query', (query: QueryEvent) => {
      if (!this.recording || !query.__knexQueryUid || !query.sql) return;
      this.started.set(query.__knexQueryUid, {
        sql: query.sql,
        at: performance.now(),
      });
    });
    const finish = (_response: unknown, query: QueryEvent) => {
      const uid = query.__knexQueryUid;
      const start = uid ? this.started.get(uid) : undefined;
      if (!uid || !start) return;
      this.started.delete(uid);
      const shape = statementShape(start.sql);
      const entry = this.shapes.get(shape) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += performance.now() - start.at;
      this.shapes.set(shape, entry);
    };
    knex.on('query-response', finish);
    knex.on('query-error', finish);
  }

  start() {
    this.shapes.clear();
    this.started.clear();
    this.recording = true;
  }

  /** Prints the phase's statements, most time first; `units` (requests, events) gives a per-unit count. */
  stop(phase: string, units: number, unitName: string, top = 40) {
    this.recording = false;
    const rows = [...this.shapes.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((sum, [, s]) => sum + s.count, 0);
    const totalMs = rows.reduce((sum, [, s]) => sum + s.ms, 0);
    console.log(
      `  statements in ${phase}: ${total} (${(total / units).toFixed(
        2,
      )} per ${unitName}), ${Math.round(totalMs)} ms in the database driver`,
    );
    for (const [shape, s] of rows.slice(0, top)) {
      console.log(
        `    ${String(s.count).padStart(7)} × ${(s.ms / s.count)
          .toFixed(2)
          .padStart(6)} ms = ${String(Math.round(s.ms)).padStart(
          6,
        )} ms  ${shape}`,
      );
    }
  }
}
