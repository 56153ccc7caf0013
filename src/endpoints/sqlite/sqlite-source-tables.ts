/** What the row, count and sequence readers need of each SQLite table: its PostgreSQL name and columns beside SQLite's. */
import type { ConstraintDef, QualifiedName } from '../../model/schema-model.js';
import { defaultValuePolicies, policyOf, type ValuePolicies, type ValuePolicy } from '../../model/sqlite/value-policy.js';
import type { SqliteTable } from './sqlite-tables.js';

export interface SqliteSourceColumn {
  readonly sqliteName: string;
  readonly name: string;
  /** The PostgreSQL type the column becomes (the model's type name). */
  readonly type: string;
  /** Computed by the target from its expression, so never copied. */
  readonly generated: boolean;
  /** NOT NULL on the target (declared so, or part of the primary key, which SQLite lets hold NULL in a rowid table). */
  readonly notNull: boolean;
  /** What becomes of a value `type` does not take. */
  readonly policy: ValuePolicy;
}

export interface SqliteSourceTable extends QualifiedName {
  readonly sqliteName: string;
  readonly columns: readonly SqliteSourceColumn[];
  /** PostgreSQL names of the primary key columns, in key order; empty without one. */
  readonly key: readonly string[];
  /** WITHOUT ROWID: rows are paged by primary key instead of rowid. */
  readonly withoutRowid: boolean;
  readonly sqliteKey: readonly string[];
  /** The rowid alias made an identity column, with its sequence, and whether it was AUTOINCREMENT. */
  readonly identity: { readonly column: string; readonly sequence: QualifiedName; readonly autoincrement: boolean } | null;
  /** The foreign keys the target will have: a row they would refuse is set aside like a value. */
  readonly foreignKeys: readonly SqliteForeignKey[];
}

export interface SqliteForeignKey {
  /** The constraint's PostgreSQL name. */
  readonly name: string;
  readonly columns: readonly SqliteSourceColumn[];
  /** The referenced table ("schema.name" in PostgreSQL) and its columns as SQLite names them. */
  readonly parent: string;
  readonly parentSqliteName: string;
  readonly parentColumns: readonly string[];
}

export function sqliteSourceTables(tables: readonly SqliteTable[], policies: ValuePolicies = defaultValuePolicies, constraints: readonly ConstraintDef[] = []): SqliteSourceTable[] {
  const read = tables.map((t) => {
    const columns = t.def.columns.map((c, i) => {
      const sqliteName = t.sqliteColumns[i]!;
      return {
        sqliteName,
        name: c.name,
        type: c.type,
        generated: c.generated !== null,
        notNull: c.notNull,
        policy: policyOf(policies, t.sqliteName, sqliteName),
      };
    });
    const pgName = (sqlite: string) => columns.find((c) => c.sqliteName.toLowerCase() === sqlite.toLowerCase())?.name ?? sqlite;
    const identityAt = t.def.columns.findIndex((c) => c.identity !== null);
    const identityColumn = t.def.columns[identityAt];
    const autoincrement = t.clauses.columns.some((c) => c.autoincrement);
    return {
      schema: t.def.schema,
      name: t.def.name,
      sqliteName: t.sqliteName,
      columns,
      key: t.primaryKey.map(pgName),
      sqliteKey: t.primaryKey,
      withoutRowid: t.clauses.withoutRowid,
      identity: identityColumn?.identity ? { column: t.sqliteColumns[identityAt]!, sequence: { schema: identityColumn.identity.sequence.schema, name: identityColumn.identity.sequence.name }, autoincrement } : null,
      foreignKeys: [] as SqliteForeignKey[],
    };
  });
  const byName = new Map(read.map((t) => [`${t.schema}.${t.name}`, t]));
  for (const c of constraints) {
    const fk = c.structure.foreignKey;
    const child = byName.get(`${c.table.schema}.${c.table.name}`);
    const parent = fk ? byName.get(`${fk.references.schema}.${fk.references.name}`) : undefined;
    if (c.kind !== 'foreign key' || !fk || !child || !parent) continue;
    const column = (t: SqliteSourceTable, name: string) => t.columns.find((x) => x.name === name)!;
    child.foreignKeys.push({
      name: c.name,
      columns: c.structure.columns.map((name) => column(child, name)),
      parent: `${parent.schema}.${parent.name}`,
      parentSqliteName: parent.sqliteName,
      parentColumns: fk.referencedColumns.map((name) => column(parent, name).sqliteName),
    });
  }
  return read;
}

/** SQLite's quoting of an identifier. */
export function quoteSqliteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
