/** A SQLite table's primary key, UNIQUE constraints, indexes and foreign keys as the model's indexes and constraints. */
import type Database from 'better-sqlite3';
import type { ForeignKeyAction } from '../../model/constraint-structure.js';
import type { IndexKey } from '../../model/index-structure.js';
import { columnKey, foreignKey, indexDefinition, keyIndex, structureOf } from '../../model/key-defs.js';
import type { ConstraintDef, IndexDef } from '../../model/schema-model.js';
import type { PgNames } from '../../model/sqlite/pg-names.js';
import { translateExpression } from '../../model/sqlite/translate-expression.js';
import { parseCreateIndex } from './create-index-clauses.js';
import { readForeignKeys, readIndexColumns, readIndexList, type ForeignKeyRow } from './sqlite-catalog.js';
import type { Notes, SqliteTable } from './sqlite-tables.js';

function keyConstraint(table: SqliteTable, kind: 'primary key' | 'unique', sqliteColumns: readonly string[], names: PgNames): IndexDef {
  const columns = sqliteColumns.map((c) => table.columns.names.get(c.toLowerCase())!);
  const name = names.unique('index', `${table.def.name}_${kind === 'primary key' ? 'pkey' : `${columns.join('_')}_key`}`);
  return keyIndex({ schema: table.def.schema, name: table.def.name }, kind, columns, name);
}

/** A CREATE INDEX, or null (reported) when a key expression or the WHERE does not translate. */
function createdIndex(db: Database.Database, table: SqliteTable, index: string, sql: string, unique: boolean, names: PgNames, notes: Notes): IndexDef | null {
  const clauses = parseCreateIndex(sql);
  const refuse = (reason: string) => {
    notes.notMigrated.push({ object: `index ${index}`, what: 'the index', reason });
    return null;
  };
  const keys: IndexKey[] = [];
  for (const [i, row] of readIndexColumns(db, index).entries()) {
    if (row.coll.toUpperCase() !== 'BINARY') {
      // Kept: the rows already satisfy it, and PostgreSQL's comparison is only stricter for a unique index.
      notes.adjusted.push({ object: `index ${index}`, what: `COLLATE ${row.coll}`, reason: "the key compares with the column's PostgreSQL collation" });
    }
    if (row.cid >= 0) {
      keys.push(columnKey(table.columns.names.get(row.name!.toLowerCase())!, row.desc === 1));
      continue;
    }
    const expression = translateExpression(clauses.keys[i] ?? [], table.columns);
    if ('refused' in expression) return refuse(`a key expression uses ${expression.refused}`);
    keys.push({ ...columnKey(''), column: null, expression: expression.sql, descending: row.desc === 1 });
  }
  let predicate: string | null = null;
  if (clauses.where) {
    const where = translateExpression(clauses.where, table.columns);
    if ('refused' in where) return refuse(`its WHERE uses ${where.refused}`);
    predicate = where.sql;
  }
  const name = names.unique('index', index);
  const structure = structureOf(keys, unique, false, predicate);
  const definition = indexDefinition(name, { schema: table.def.schema, name: table.def.name }, structure);
  return { table: { schema: table.def.schema, name: table.def.name }, name, definition, indexDefinition: definition, constraint: null, structure, keyConstraint: null, attachTo: null, onPartitionedTable: false };
}

/** The primary key, UNIQUE constraints and CREATE INDEXes of one table; `indexSql` maps an index name to its CREATE INDEX. */
export function readSqliteIndexes(db: Database.Database, table: SqliteTable, indexSql: ReadonlyMap<string, string>, names: PgNames, notes: Notes): IndexDef[] {
  const indexes: IndexDef[] = table.primaryKey.length > 0 ? [keyConstraint(table, 'primary key', table.primaryKey, names)] : [];
  for (const entry of readIndexList(db, table.sqliteName)) {
    if (entry.origin === 'u') {
      const columns = readIndexColumns(db, entry.name);
      const collated = columns.filter((c) => c.coll.toUpperCase() !== 'BINARY');
      if (collated.length > 0) notes.adjusted.push({ object: `UNIQUE (${columns.map((c) => c.name).join(', ')}) of ${table.sqliteName}`, what: collated.map((c) => `COLLATE ${c.coll}`).join(', '), reason: 'unique by PostgreSQL\'s comparison, which tells more values apart' });
      indexes.push(keyConstraint(table, 'unique', columns.map((c) => c.name!), names));
    }
    if (entry.origin !== 'c') continue;
    const index = createdIndex(db, table, entry.name, indexSql.get(entry.name) ?? '', entry.unique === 1, names, notes);
    if (index) indexes.push(index);
  }
  return indexes;
}

const actions: Record<string, ForeignKeyAction> = { 'NO ACTION': 'no action', RESTRICT: 'restrict', CASCADE: 'cascade', 'SET NULL': 'set null', 'SET DEFAULT': 'set default' };

/** Whether `columns` (PostgreSQL names) are exactly the columns of a non-partial unique index on the table. */
function isUniqueKey(indexes: readonly IndexDef[], columns: readonly string[]): boolean {
  return indexes.some(
    (i) => i.structure.unique && i.structure.predicate === null && i.structure.keys.every((k) => k.column !== null) && i.structure.keys.length === columns.length && columns.every((c) => i.structure.keys.some((k) => k.column === c)),
  );
}

/**
 * The foreign keys of one table. `tables` finds a referenced table by its lower-cased SQLite name (SQLite matches
 * them so); `indexesOf` gives the keys it has, as PostgreSQL needs a unique key on the referenced columns.
 */
export function readSqliteForeignKeys(db: Database.Database, table: SqliteTable, tables: ReadonlyMap<string, SqliteTable>, indexesOf: (t: SqliteTable) => readonly IndexDef[], names: PgNames, notes: Notes): ConstraintDef[] {
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of readForeignKeys(db, table.sqliteName)) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()].reverse().flatMap((rows) => {
    const first = rows[0]!;
    const object = `foreign key of ${table.sqliteName} (${rows.map((r) => r.from).join(', ')})`;
    const target = tables.get(first.table.toLowerCase());
    const refuse = (reason: string) => {
      notes.notMigrated.push({ object, what: `REFERENCES ${first.table}`, reason });
      return [];
    };
    if (!target) return refuse('the referenced table is not migrated');
    const referenced = rows.every((r) => r.to === null) ? target.primaryKey : rows.map((r) => r.to ?? '');
    const referencedColumns = referenced.map((c) => target.columns.names.get(c.toLowerCase()));
    if (referenced.length !== rows.length || referencedColumns.some((c) => c === undefined)) return refuse('the referenced columns do not exist');
    if (!isUniqueKey(indexesOf(target), referencedColumns as string[])) return refuse('the referenced columns have no unique key, which PostgreSQL requires');
    const columns = rows.map((r) => table.columns.names.get(r.from.toLowerCase())!);
    const sameColumns = (a: readonly string[]) => a.length === rows.length && a.every((c, i) => c.toLowerCase() === rows[i]!.from.toLowerCase());
    const clause = table.clauses.foreignKeys.find((f) => f.table.toLowerCase() === first.table.toLowerCase() && sameColumns(f.from));
    const onUpdate = actions[first.on_update] ?? 'no action';
    const onDelete = actions[first.on_delete] ?? 'no action';
    const deferrable = clause?.deferrable ?? false;
    const initiallyDeferred = clause?.initiallyDeferred ?? false;
    const references = { schema: target.def.schema, name: target.def.name };
    const name = names.unique('constraint', clause?.name ?? `${table.def.name}_${columns.join('_')}_fkey`);
    return [foreignKey({ table: { schema: table.def.schema, name: table.def.name }, name, columns, references, referencedColumns: referencedColumns as string[], onUpdate, onDelete, deferrable, initiallyDeferred })];
  });
}
