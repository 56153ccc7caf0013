/**
 * What the value policy keeps from the target, per table: found by converting every row as the copy does, once per
 * table, and kept for the endpoint's life (one snapshot, so the answer cannot change).
 */
import type Database from 'better-sqlite3';
import type { SetAside, TableSetAside } from '../endpoint.js';
import { convertedRows } from './sqlite-row-pages.js';
import type { SqliteSourceTable } from './sqlite-source-tables.js';

const keptExamples = 5;

export class SetAsideTally {
  private readonly found = new Map<string, TableSetAside>();

  constructor(private readonly db: Database.Database) {}

  /** The table's rows and values the policy sets aside, converting its rows the first time. */
  async of(table: SqliteSourceTable): Promise<TableSetAside> {
    const id = `${table.schema}.${table.name}`;
    const known = this.found.get(id);
    if (known) return known;
    const tally = { table: id, rows: 0, values: 0, examples: [] as SetAside[] };
    const count = (entry: SetAside) => {
      if (entry.action === 'rejected') tally.rows += 1;
      else tally.values += 1;
      if (tally.examples.length < keptExamples) tally.examples.push(entry);
    };
    for await (const _row of convertedRows(this.db, table, table.columns.filter((c) => !c.generated), count));
    this.found.set(id, tally);
    return tally;
  }

  /** Every table counted so far that has something set aside. */
  counted(): TableSetAside[] {
    return [...this.found.values()].filter((t) => t.rows > 0 || t.values > 0);
  }
}
