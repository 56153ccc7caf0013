/** What preflight reports about a SQLite file: exact row counts, sizes from its pages, what will not be migrated. */
import { basename } from 'node:path';
import type Database from 'better-sqlite3';
import type { SourceInventory, TableFacts } from '../../model/inventory.js';
import type { SchemaModel } from '../../model/schema-model.js';
import { schemaReportFindings, type SqliteSchemaReport } from '../../model/sqlite/sqlite-schema-report.js';
import { quoteSqliteIdent, type SqliteSourceTable } from './sqlite-source-tables.js';

export function sqliteVersion(db: Database.Database): string {
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}

export function countSqliteRows(db: Database.Database, table: SqliteSourceTable): number {
  return Number((db.prepare(`SELECT count(*) AS n FROM ${quoteSqliteIdent(table.sqliteName)}`).get() as { n: number }).n);
}

/** Bytes of the table's pages (dbstat), or 0 when this SQLite build has no dbstat. */
function tableBytes(db: Database.Database, table: string): number {
  try {
    return Number((db.prepare('SELECT coalesce(sum(pgsize), 0) AS n FROM dbstat WHERE name = ?').get(table) as { n: number }).n);
  } catch {
    return 0;
  }
}

export function sqliteTableFacts(db: Database.Database, tables: readonly SqliteSourceTable[]): TableFacts[] {
  return tables.map((t) => {
    const bytes = tableBytes(db, t.sqliteName);
    return {
      schema: t.schema,
      name: t.name,
      kind: 'table',
      unlogged: false,
      rows: countSqliteRows(db, t),
      rowsExact: true,
      totalBytes: bytes,
      dataBytes: bytes,
      hasPrimaryKey: t.key.length > 0,
      replicaIdentity: 'default',
      rowSecurityApplies: false,
    };
  });
}

/**
 * The file's facts in the shape a PostgreSQL server's take: major 0 (older than any target, so no rule on majors
 * refuses it), SQLite's BINARY comparison as the collation, no roles, extensions, sessions or large objects.
 */
export function readSqliteInventory(db: Database.Database, path: string, model: SchemaModel, tables: readonly SqliteSourceTable[], report: SqliteSchemaReport): SourceInventory {
  const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
  return {
    server: {
      version: `SQLite ${sqliteVersion(db)}`,
      versionNum: 0,
      major: 0,
      database: basename(path),
      user: '',
      isSuperuser: false,
      databaseBytes: pragma('page_count') * pragma('page_size'),
      maxConnections: 0,
      encoding: 'UTF8',
      connections: [],
    },
    collation: { provider: 'sqlite', collate: 'BINARY', ctype: 'BINARY', locale: null, recordedVersion: null, actualVersion: null },
    path: { kind: 'direct', evidence: 'a local file' },
    schemas: model.schemas.map((s) => s.name),
    tables: sqliteTableFacts(db, tables),
    extensions: [],
    roles: [],
    migrationTables: [],
    sequences: [],
    largeObjects: 0,
    largeObjectBytes: 0,
    unsupported: (model.leftOut ?? []).filter((entry) => !entry.startsWith('view ')).map((entry) => ({ kind: entry.split(' ').slice(0, -1).join(' '), name: entry.split(' ').slice(-1)[0]! })),
    mappingNotes: schemaReportFindings(report),
  };
}
