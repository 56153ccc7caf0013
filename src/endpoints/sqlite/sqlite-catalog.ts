/** The SQLite catalog queries the schema reader runs, one function each, all in the reader's one transaction. */
import type Database from 'better-sqlite3';

export interface SchemaEntry {
  readonly type: 'table' | 'index' | 'view' | 'trigger';
  readonly name: string;
  readonly tableName: string;
  readonly sql: string | null;
}

export function listSchemaEntries(db: Database.Database): SchemaEntry[] {
  return db
    .prepare(`SELECT type, name, tbl_name AS tableName, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`)
    .all() as SchemaEntry[];
}

export interface TableColumnRow {
  readonly cid: number;
  readonly name: string;
  readonly type: string;
  readonly notnull: number;
  readonly dflt_value: string | null;
  /** Position in the primary key, 1-based; 0 when not part of it. */
  readonly pk: number;
  /** 0 plain, 1 hidden (virtual tables), 2 generated virtual, 3 generated stored. */
  readonly hidden: number;
}

export function readTableColumns(db: Database.Database, table: string): TableColumnRow[] {
  return db.prepare('SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(table) as TableColumnRow[];
}

export interface IndexListRow {
  readonly name: string;
  readonly unique: number;
  /** c: CREATE INDEX, u: a UNIQUE constraint, pk: the PRIMARY KEY. */
  readonly origin: 'c' | 'u' | 'pk';
  readonly partial: number;
}

export function readIndexList(db: Database.Database, table: string): IndexListRow[] {
  return db.prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY seq DESC').all(table) as IndexListRow[];
}

export interface IndexColumnRow {
  readonly seqno: number;
  /** -2 for an expression, -1 for the rowid. */
  readonly cid: number;
  readonly name: string | null;
  readonly desc: number;
  readonly coll: string;
}

/** The key columns of an index (not the trailing ones SQLite adds to reach the row). */
export function readIndexColumns(db: Database.Database, index: string): IndexColumnRow[] {
  return db.prepare('SELECT seqno, cid, name, "desc", coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as IndexColumnRow[];
}

export interface ForeignKeyRow {
  readonly id: number;
  readonly seq: number;
  readonly table: string;
  readonly from: string;
  /** null: the referenced table's primary key. */
  readonly to: string | null;
  readonly on_update: string;
  readonly on_delete: string;
}

export function readForeignKeys(db: Database.Database, table: string): ForeignKeyRow[] {
  return db.prepare('SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as ForeignKeyRow[];
}
