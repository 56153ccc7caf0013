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

/** Of two types a foreign key's ends were widened to, the one that takes the other's values. */
function wider(a: string, b: string): string {
  const order = ['smallint', 'integer', 'bigint', 'numeric', 'text', 'bytea'];
  const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.indexOf('text') - 0.5);
  const chosen = rank(a) >= rank(b) ? a : b;
  return order.includes(chosen) ? chosen : 'text';
}

/**
 * A foreign key's two ends must keep comparable types: when the value policy widened one end, the other end gets
 * the same type (PostgreSQL refuses a bigint referencing a text).
 */
function alongForeignKeys(tables: readonly SqliteSourceTable[], rules: CastRule[]): CastRule[] {
  const id = (table: string, column: string) => `${table}\u0000${column}`;
  const widened = new Map(rules.map((r) => [id(r.table, r.column), r]));
  const typeOf = (table: SqliteSourceTable | undefined, column: string) => widened.get(id(table?.sqliteName ?? '', column))?.type ?? table?.columns.find((c) => c.sqliteName === column)?.type ?? '';
  for (let changed = true; changed; ) {
    changed = false;
    for (const table of tables) {
      for (const fk of table.foreignKeys) {
        const parent = tables.find((t) => `${t.schema}.${t.name}` === fk.parent);
        fk.columns.forEach((column, i) => {
          const parentColumn = fk.parentColumns[i]!;
          const ends = [id(table.sqliteName, column.sqliteName), id(parent?.sqliteName ?? '', parentColumn)];
          if (!ends.some((e) => widened.has(e))) return;
          const [a, b] = [typeOf(table, column.sqliteName), typeOf(parent, parentColumn)];
          if (a === b) return;
          const type = wider(a, b);
          // A rowid alias stays an identity: then the end that was widened is not, and its odd values are rejected.
          const identity = [table.identity?.column === column.sqliteName && a !== type, parent?.identity?.column === parentColumn && b !== type];
          if (identity.some(Boolean)) {
            ends.forEach((e) => widened.delete(e));
            changed = true;
            return;
          }
          for (const [t, c, from] of [[table.sqliteName, column.sqliteName, a], [parent?.sqliteName ?? '', parentColumn, b]] as const) {
            if (from === type || !t) continue;
            widened.set(id(t, c), { table: t, column: c, type, widened: `widened from ${from} to ${type} (value policy widen): the other end of foreign key ${fk.name} was widened` });
            changed = true;
          }
        });
      }
    }
  }
  return [...widened.values()];
}

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
      for (const raw of page.rows) {
        columns.forEach((column, i) => {
          const stored = raw[page.width + i] ?? null;
          if (stored === null) return;
          const value = readValue(db, table, raw, page.width, column, stored);
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
  return alongForeignKeys(tables, rules);
}
