/** What reading a SQLite schema into the model changed or left out, so a run can report it. */
import type { Rename } from './pg-names.js';

export interface SchemaNote {
  /** The SQLite object, e.g. "column orders.total", "index idx_orders_day", "view recent_orders". */
  readonly object: string;
  /** What was left out or changed, e.g. "DEFAULT (random())", "COLLATE NOCASE". */
  readonly what: string;
  readonly reason: string;
}

export interface SqliteSchemaReport {
  /** Names PostgreSQL gets that are not the SQLite name folded to lower case. */
  readonly renames: readonly Rename[];
  /** What the model leaves out: the target will not have it. */
  readonly notMigrated: readonly SchemaNote[];
  /** What the model keeps in another form (a virtual generated column made stored, a length PostgreSQL refuses). */
  readonly adjusted: readonly SchemaNote[];
}
