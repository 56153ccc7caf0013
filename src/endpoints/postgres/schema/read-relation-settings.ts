/**
 * Settings ALTER TABLE gives after CREATE: replica identity, the CLUSTER ON index, and columns' storage, statistics
 * target and compression — each listed where it is not the default.
 */
import type { RelationSettingDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

interface SettingRow {
  schema: string;
  table: string;
  kind: RelationSettingDef['relationKind'];
  column: string | null;
  setting: RelationSettingDef['setting'];
  value: string;
}

/** SQL: the column `o` (a pg_attribute row) has setting s.setting off its default. */
const settingDiffers = (o: string) => `CASE s.setting WHEN 'storage' THEN ${o}.attstorage <> t.typstorage
                                       WHEN 'statistics' THEN coalesce(${o}.attstattarget, -1) <> -1
                                       ELSE ${o}.attcompression::text <> '' END`;

/**
 * A column's setting is also listed where only its parent's differs from the default: a partition or inheritance
 * child may take its parent's setting when created, so its own is stated too. attstattarget is NULL by default from
 * PostgreSQL 17 and -1 before; attcompression is empty by default.
 */
const columnSettings = `
  SELECT n.nspname AS schema, c.relname AS table, CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind,
         a.attname AS column, s.setting, s.value
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    CROSS JOIN LATERAL (VALUES
      ('storage', CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' ELSE 'extended' END),
      ('statistics', coalesce(a.attstattarget, -1)::text),
      ('compression', CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE 'default' END)) AS s(setting, value)
   WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
     AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
     AND (${settingDiffers('a')}
          -- Parents looked up by index (an OR inside one EXISTS scanned pg_attribute once per column: minutes at 10,000 tables).
          OR EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_attribute o ON o.attrelid = i.inhparent AND o.attname = a.attname
                      WHERE i.inhrelid = c.oid AND ${settingDiffers('o')}))`;

const replicaIdentities = `
  SELECT n.nspname, c.relname, 'table', NULL, 'replica identity',
         CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' ELSE 'USING INDEX ' || quote_ident(ic.relname) END
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisreplident
    LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
   WHERE c.relkind IN ('r', 'p') AND (c.relreplident IN ('f', 'n') OR ic.oid IS NOT NULL)
     AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}`;

const clusterIndexes = `
  SELECT n.nspname, c.relname, CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'table' END, NULL, 'cluster on', ic.relname
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.indisclustered AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}`;

/** Statistics targets of index columns (`ALTER INDEX … ALTER COLUMN 1 SET STATISTICS`), by column number. */
const indexColumnStatistics = `
  SELECT n.nspname, ic.relname, 'index', a.attnum::text, 'statistics', coalesce(a.attstattarget, -1)::text
    FROM pg_attribute a
    JOIN pg_class ic ON ic.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
   WHERE ic.relkind IN ('i', 'I') AND a.attnum > 0 AND coalesce(a.attstattarget, -1) <> -1
     AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'ic.oid')}`;

/** Needs search_path = ''. */
export async function readRelationSettings(session: Session): Promise<RelationSettingDef[]> {
  const rows = await runQuery<SettingRow>(
    session,
    'replica identity, CLUSTER ON, column storage, statistics and compression, index columns\' statistics',
    `${columnSettings}\n UNION ALL ${replicaIdentities}\n UNION ALL ${clusterIndexes}\n UNION ALL ${indexColumnStatistics}\n ORDER BY 1, 2, 4 NULLS FIRST, 5`,
  );
  return rows.map((r) => ({
    table: { schema: r.schema, name: r.table },
    relationKind: r.kind,
    column: r.column,
    setting: r.setting,
    value: r.value,
  }));
}
