/**
 * Reads a SQLite database's schema into the neutral schema model: the PostgreSQL database to build. What does not
 * translate is left out and listed in the report beside the model (and by kind in `leftOut`), never copied as text.
 */
import type Database from 'better-sqlite3';
import { builtModel, type ConstraintDef, type IndexDef, type SchemaModel } from '../../model/schema-model.js';
import { PgNames, type IdentifierCase } from '../../model/sqlite/pg-names.js';
import type { SqliteSchemaReport } from '../../model/sqlite/sqlite-schema-report.js';
import { defaultTypeMapping, type TypeMappingOptions } from '../../model/sqlite/type-mapping.js';
import { readSqliteForeignKeys, readSqliteIndexes } from './sqlite-keys.js';
import { listSchemaEntries } from './sqlite-catalog.js';
import { readSqliteTable, type Notes, type SqliteTable } from './sqlite-tables.js';
import { readSqliteViews } from './sqlite-views.js';

export interface SqliteSchemaOptions {
  /** The PostgreSQL schema the tables go to. */
  readonly schema: string;
  /** The role that owns what is created; '' for whichever role creates it. */
  readonly owner: string;
  readonly identifiers: IdentifierCase;
  readonly types: TypeMappingOptions;
}

export const defaultSqliteSchemaOptions: SqliteSchemaOptions = { schema: 'public', owner: '', identifiers: 'lower', types: defaultTypeMapping };


/**
 * Reads the schema of the database `db` (opened by `openSqliteSnapshot`, inside its read transaction).
 *
 * @example
 * const snapshot = openSqliteSnapshot('app.db');
 * const { model, report } = readSqliteSchema(snapshot.db);
 */
export function readSqliteSchema(
  db: Database.Database,
  options: SqliteSchemaOptions = defaultSqliteSchemaOptions,
): { model: SchemaModel; report: SqliteSchemaReport; tables: readonly SqliteTable[] } {
  const entries = listSchemaEntries(db);
  const notes: Notes = { notMigrated: [], adjusted: [] };
  const leftOut: string[] = [];
  const names = new PgNames(options.identifiers);
  const isVirtual = (sql: string | null) => /^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql ?? '');
  for (const entry of entries.filter((e) => e.type === 'trigger' || (e.type === 'table' && isVirtual(e.sql)))) {
    const kind = entry.type === 'table' ? 'virtual table' : entry.type;
    leftOut.push(`${kind} ${entry.name}`);
    notes.notMigrated.push({ object: `${kind} ${entry.name}`, what: `the ${kind}`, reason: `SQLite ${kind}s are not migrated` });
  }
  const tableEntries = entries.filter((e) => e.type === 'table' && !isVirtual(e.sql));
  const viewEntries = entries.filter((e) => e.type === 'view');
  // Views share the tables' namespace in PostgreSQL, as in SQLite.
  const tableNames = names.scope('table', [...tableEntries, ...viewEntries].map((e) => e.name), 'tables and views');
  const tables = tableEntries.map((e) => readSqliteTable(db, e.name, e.sql ?? '', tableNames.get(e.name)!, names, options, notes));
  const byName = new Map(tables.map((t): [string, SqliteTable] => [t.sqliteName.toLowerCase(), t]));
  const indexSql = new Map(entries.filter((e) => e.type === 'index' && e.sql).map((e): [string, string] => [e.name, e.sql!]));
  const indexes = new Map(tables.map((t): [SqliteTable, IndexDef[]] => [t, readSqliteIndexes(db, t, indexSql, names, notes)]));
  const constraints: ConstraintDef[] = tables.flatMap((t) => readSqliteForeignKeys(db, t, byName, (r) => indexes.get(r) ?? [], names, notes));
  const views = readSqliteViews(viewEntries, tables, tableNames, names, options, notes);
  for (const left of views.leftOut) leftOut.push(left);
  const model = builtModel({
    schemas: [{ name: options.schema, owner: options.owner, grants: null }],
    objects: [...tables.map((t) => t.def), ...views.defs],
    indexes: [...indexes.values()].flat(),
    constraints,
    dependencies: views.dependencies,
    leftOut,
  });
  return { model, report: { renames: names.renames, notMigrated: notes.notMigrated, adjusted: notes.adjusted }, tables };
}
