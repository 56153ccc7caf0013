/** Tables (plain, partitioned, partitions, unlogged, inheriting) with their columns and validated CHECKs. */
import type { CheckDef, ColumnDef, Grant, QualifiedName, TableDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { collationName, grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { groupBy } from '../../../model/group-by.js';
import type { SequenceRead } from './read-sequences.js';
import { ownedObject } from './owned-object.js';

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  grants: Grant[] | null;
  relkind: 'r' | 'p';
  unlogged: boolean;
  options: string[] | null;
  rls_enabled: boolean;
  rls_forced: boolean;
  partition_key: string | null;
  partition_of: (QualifiedName & { bound: string }) | null;
  inherits: QualifiedName[] | null;
  checks: CheckDef[] | null;
  column_order: string | null;
}

interface ColumnRow {
  table_oid: number;
  name: string;
  type: string;
  not_null: boolean;
  default_value: string | null;
  collation: string | null;
  identity: '' | 'a' | 'd';
  generated: '' | 's' | 'v';
}

/** Needs search_path = ''. `sequences` supplies identity columns' sequence options. */
export async function readTables(session: Session, sequences: readonly SequenceRead[]): Promise<TableDef[]> {
  const tables = await runQuery<TableRow>(
    session,
    'tables',
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner,
            ${grantsJson('c.relacl', 'c.relowner')} AS grants, c.relkind, c.relpersistence = 'u' AS unlogged, c.reloptions::text[] AS options,
            c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
            CASE WHEN c.relispartition THEN
              (SELECT json_build_object('schema', pn.nspname, 'name', pc.relname, 'bound', pg_get_expr(c.relpartbound, c.oid))
                 FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                WHERE i.inhrelid = c.oid) END AS partition_of,
            CASE WHEN NOT c.relispartition THEN
              (SELECT json_agg(json_build_object('schema', pn.nspname, 'name', pc.relname) ORDER BY i.inhseqno)
                 FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                WHERE i.inhrelid = c.oid) END AS inherits,
            (SELECT json_agg(json_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid), 'validated', k.convalidated) ORDER BY k.conname)
               FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.conislocal AND k.convalidated) AS checks,
            (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS column_order
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 2, 3`,
  );
  const columns = await runQuery<ColumnRow>(
    session,
    'table columns',
    `SELECT a.attrelid::int AS table_oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default_value,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ${collationName('a.attcollation')} END AS collation,
            a.attidentity AS identity, a.attgenerated AS generated
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relkind IN ('r', 'p') AND ${isUserSchema('n.nspname')} AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attislocal AND NOT c.relispartition
      ORDER BY a.attrelid, a.attnum`,
  );
  const columnsByTable = groupBy(columns, (c) => c.table_oid);
  return tables.map((t) => ({
    kind: 'table',
    ...ownedObject(t, 'class'),
    persistence: t.unlogged ? 'unlogged' : 'permanent',
    columns: (columnsByTable.get(t.oid) ?? []).map((c) => toColumn(t, c, sequences)),
    columnOrder: t.column_order ?? '',
    checks: t.checks ?? [],
    partitionKey: t.partition_key,
    partitionOf: t.partition_of ? { parent: { schema: t.partition_of.schema, name: t.partition_of.name }, bound: t.partition_of.bound } : null,
    inherits: t.inherits ?? [],
    options: t.options ?? [],
    rowSecurity: { enabled: t.rls_enabled, forced: t.rls_forced },
  }));
}

function toColumn(table: TableRow, c: ColumnRow, sequences: readonly SequenceRead[]): ColumnDef {
  const identitySequence =
    c.identity === ''
      ? undefined
      : sequences.find((s) => s.identityOf?.schema === table.schema && s.identityOf.name === table.name && s.identityOf.column === c.name);
  return {
    name: c.name,
    type: c.type,
    notNull: c.not_null,
    defaultValue: c.generated === '' ? c.default_value : null,
    collation: c.collation,
    identity: identitySequence ? { always: c.identity === 'a', sequence: identitySequence } : null,
    generated: c.generated === '' || c.default_value === null ? null : { expression: c.default_value, kind: c.generated === 's' ? 'stored' : 'virtual' },
  };
}
