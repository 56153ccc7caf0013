/** SQLite tables as the model's tables: columns with mapped types, defaults, identity, generated columns, CHECKs. */
import type Database from 'better-sqlite3';
import type { CheckDef, ColumnDef, TableDef } from '../../model/schema-model.js';
import type { PgNames } from '../../model/sqlite/pg-names.js';
import type { SchemaNote } from '../../model/sqlite/sqlite-schema-report.js';
import { translateDefault } from '../../model/sqlite/translate-default.js';
import { translateExpression, type ExpressionColumns } from '../../model/sqlite/translate-expression.js';
import { mapSqliteType, type TypeMappingOptions } from '../../model/sqlite/type-mapping.js';
import { sameSqliteName } from '../../model/sqlite/value-policy.js';
import { parseCreateTable, type TableClauses } from './create-table-clauses.js';
import { readTableColumns, type TableColumnRow } from './sqlite-catalog.js';

export interface ReadTableOptions {
  readonly schema: string;
  readonly owner: string;
  readonly types: TypeMappingOptions;
}

/** A table as read: the model's table and what the keys reader needs next. */
export interface SqliteTable {
  readonly sqliteName: string;
  readonly def: TableDef;
  readonly clauses: TableClauses;
  /** SQLite primary key columns in key order. */
  readonly primaryKey: readonly string[];
  readonly columns: ExpressionColumns;
  /** SQLite's name of each of `def.columns`, in the same order: what the row reader selects. */
  readonly sqliteColumns: readonly string[];
}

export interface Notes {
  readonly notMigrated: SchemaNote[];
  readonly adjusted: SchemaNote[];
}

const textTypes = /^(text|varchar|char)/;

/** SQLite's BINARY compares bytes, as PostgreSQL's "C" does; NOCASE and RTRIM have no built-in equivalent. */
function collationOf(name: string | null, type: string, object: string, notes: Notes): string | null {
  if (name === null || !textTypes.test(type)) return null;
  if (name.toUpperCase() === 'BINARY') return 'pg_catalog."C"';
  notes.notMigrated.push({ object, what: `COLLATE ${name}`, reason: 'PostgreSQL has no built-in collation that compares the same way' });
  return null;
}

function identityOf(schema: string, sequence: string): ColumnDef['identity'] {
  return {
    always: false,
    sequence: { schema, name: sequence, dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false },
  };
}

/** What reading one table's columns shares. */
interface TableContext {
  readonly table: string;
  readonly pgTable: string;
  readonly clauses: TableClauses;
  readonly columns: ExpressionColumns;
  readonly names: PgNames;
  readonly options: ReadTableOptions;
  readonly notes: Notes;
}

function readColumn(row: TableColumnRow, pgName: string, rowidAlias: boolean, context: TableContext): ColumnDef {
  const { table, pgTable, clauses, columns, names, options, notes } = context;
  const object = `column ${table}.${row.name}`;
  const mapped = mapSqliteType(table, row.name, row.type, rowidAlias, options.types);
  if (mapped.note) notes.adjusted.push({ object, what: row.type, reason: mapped.note });
  const clause = clauses.columns.find((c) => c.name.toLowerCase() === row.name.toLowerCase());
  let generated: ColumnDef['generated'] = null;
  if (row.hidden === 2 || row.hidden === 3) {
    const expression = clause?.generated ? translateExpression(clause.generated.tokens, columns) : { refused: 'its expression was not found' };
    if ('sql' in expression) {
      generated = { expression: expression.sql, kind: 'stored' };
      if (row.hidden === 2) notes.adjusted.push({ object, what: 'GENERATED ALWAYS AS … VIRTUAL', reason: 'made STORED: PostgreSQL before 18 has only stored generated columns' });
    } else {
      notes.notMigrated.push({ object, what: 'generated column expression', reason: `uses ${expression.refused}; the column is a plain column holding the copied values` });
    }
  }
  let defaultValue = translateDefault(row.dflt_value, mapped.type);
  if (defaultValue === undefined) {
    notes.notMigrated.push({ object, what: `DEFAULT ${row.dflt_value}`, reason: `no PostgreSQL equivalent for a ${mapped.type} column` });
    defaultValue = null;
  }
  return {
    name: pgName,
    type: mapped.type,
    // PostgreSQL makes primary key columns NOT NULL; SQLite lets a rowid table's key hold NULL (rejected by the copy).
    notNull: row.notnull === 1 || row.pk > 0,
    defaultValue: generated ? null : defaultValue,
    collation: collationOf(clause?.collation ?? null, mapped.type, object, notes),
    identity: rowidAlias ? identityOf(options.schema, names.unique('sequence', `${pgTable}_${pgName}_seq`)) : null,
    generated,
  };
}

function readChecks(table: string, pgTable: string, clauses: TableClauses, columns: ExpressionColumns, names: PgNames, notes: Notes): CheckDef[] {
  return clauses.checks.flatMap((check) => {
    const translated = translateExpression(check.tokens, columns);
    const label = check.name ?? (check.column ? `on column ${check.column}` : '');
    if ('refused' in translated) {
      notes.notMigrated.push({ object: `table ${table}`, what: `CHECK ${label}`.trim(), reason: `uses ${translated.refused}` });
      return [];
    }
    const wanted = check.name ?? `${pgTable}_${check.column ? `${columns.names.get(check.column.toLowerCase())}_` : ''}check`;
    return [{ name: names.unique('constraint', wanted), definition: `CHECK (${translated.sql})`, validated: true }];
  });
}

/** Reads one table; `pgTable` is its PostgreSQL name. */
export function readSqliteTable(db: Database.Database, table: string, sql: string, pgTable: string, names: PgNames, options: ReadTableOptions, notes: Notes): SqliteTable {
  const rows = readTableColumns(db, table).filter((r) => r.hidden !== 1);
  const clauses = parseCreateTable(sql);
  const primaryKey = rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk).map((r) => r.name);
  const pkRow = rows.find((r) => r.pk === 1);
  // SQLite's rule: a rowid table's one-column key declared exactly INTEGER is the rowid itself.
  const rowidAlias = !clauses.withoutRowid && primaryKey.length === 1 && pkRow?.type.toUpperCase() === 'INTEGER';
  const columnNames = names.scope('column', rows.map((r) => r.name), `columns of table ${table}`, table);
  const unusable = new Map<string, string>();
  const columns: ExpressionColumns = { names: new Map([...columnNames].map(([k, v]) => [k.toLowerCase(), v])), unusable };
  rows.forEach((r) => {
    const mapped = mapSqliteType(table, r.name, r.type, false, options.types);
    if (mapped.type === 'boolean') unusable.set(r.name.toLowerCase(), 'which becomes boolean and SQLite compares as a number');
    const widened = options.types.casts.find((c) => c.widened && sameSqliteName(c.table, table) && sameSqliteName(c.column, r.name));
    if (widened) unusable.set(r.name.toLowerCase(), `widened to ${widened.type} by the value policy`);
  });
  const context: TableContext = { table, pgTable, clauses, columns, names, options, notes };
  const defs = rows.map((r) => readColumn(r, columnNames.get(r.name)!, rowidAlias && r.pk === 1, context));
  const def: TableDef = {
    kind: 'table',
    key: `table:${options.schema}.${pgTable}`,
    schema: options.schema,
    name: pgTable,
    owner: options.owner,
    grants: null,
    persistence: 'permanent',
    columns: defs,
    columnOrder: defs.map((c) => c.name).join(', '),
    checks: readChecks(table, pgTable, clauses, columns, names, notes),
    partitionKey: null,
    partitionOf: null,
    inherits: [],
    options: [],
    rowSecurity: { enabled: false, forced: false },
  };
  return { sqliteName: table, def, clauses, primaryKey, columns, sqliteColumns: rows.map((r) => r.name) };
}
