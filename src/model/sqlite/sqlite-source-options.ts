/** How a SQLite source becomes PostgreSQL: the plan's `sqlite` section, every key with its default. */
import type { IdentifierCase } from './pg-names.js';
import type { ColumnRule, ValuePolicy } from './value-policy.js';

export interface SqliteSourceOptions {
  readonly identifiers: IdentifierCase;
  readonly integer: 'bigint' | 'integer';
  readonly timestamp: 'timestamptz' | 'timestamp';
  readonly values: ValuePolicy;
  readonly columns: readonly ColumnRule[];
}

export const defaultSqliteSourceOptions: SqliteSourceOptions = { identifiers: 'lower', integer: 'bigint', timestamp: 'timestamptz', values: 'reject', columns: [] };
