/**
 * The value policy `widen`: every value of each column whose policy it is, read once before the schema is made,
 * and the narrowest type that takes them all chosen (text for 'abc' in an INTEGER, bigint for 2 in a BOOLEAN, bytea
 * for text that is not UTF-8). The result is cast rules the schema is read again with.
 */
import type Database from 'better-sqlite3';
import { shownValue, type SqliteValue } from '../../model/sqlite/pg-text-value.js';
import type { CastRule } from '../../model/sqlite/type-mapping.js';
import { widenedType } from '../../model/sqlite/value-policy.js';
import { convertValue, rawPages, readValue } from './sqlite-row-pages.js';
import type { SqliteSourceTable } from './sqlite-source-tables.js';

export function widenedColumns(db: Database.Database, tables: readonly SqliteSourceTable[]): CastRule[] {
  const rules: CastRule[] = [];
  for (const table of tables) {
    const columns = table.columns.filter((c) => c.policy === 'widen' && !c.generated);
    if (columns.length === 0) continue;
    const types = columns.map((c) => c.type);
    const examples: Array<string | undefined> = columns.map(() => undefined);
    // What a wider type must still take: the first value of each storage class seen, and each value that widened.
    const kept = columns.map(() => new Map<string, SqliteValue>());
    for (const page of rawPages(db, table, columns)) {
      for (const raw of page) {
        columns.forEach((column, i) => {
          const stored = raw.values[i] ?? null;
          if (stored === null) return;
          const value = readValue(db, table, raw.key, column, stored);
          const storage = Buffer.isBuffer(value) ? 'blob' : typeof value;
          if (!kept[i]!.has(storage)) kept[i]!.set(storage, value);
          if (!('rejected' in convertValue(value, stored, { ...column, type: types[i]! }))) return;
          const wider = widenedType(types[i]!, [value, ...kept[i]!.values()]);
          if (wider === null) return;
          kept[i]!.set(`widened ${wider}`, value);
          types[i] = wider;
          examples[i] ??= shownValue(stored);
        });
      }
    }
    columns.forEach((column, i) => {
      if (types[i] === column.type) return;
      rules.push({ table: table.sqliteName, column: column.sqliteName, type: types[i]!, widened: `widened from ${column.type} to ${types[i]} (value policy widen): it holds values such as ${examples[i]}` });
    });
  }
  return rules;
}
