/** Objects of kinds pgferry does not migrate, listed by name so nothing is skipped silently. */
import type { UnsupportedObject } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/** Names (schema.name) of the objects in a catalog that live in user schemas and belong to no extension. */
function namespacedObjects(catalog: string, nameColumn: string, namespaceColumn: string): string {
  return `SELECT format('%I.%I', n.nspname, o.${nameColumn}) FROM ${catalog} o JOIN pg_namespace n ON n.oid = o.${namespaceColumn}
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember(catalog, 'o.oid')}`;
}

/** One query per kind; each returns the objects' names. Extension members are left out: the extension brings them. */
const unsupportedKinds: ReadonlyArray<{ readonly kind: string; readonly sql: string }> = [
  {
    // Plain foreign tables migrate; those that are a partition or an inheritance child do not yet.
    kind: 'foreign table partition or child',
    sql: `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'f' AND (c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid))
             AND ${isNotExtensionMember('pg_class', 'c.oid')}`,
  },
  {
    kind: 'subscription',
    sql: 'SELECT quote_ident(subname) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
  },
  {
    kind: 'rule',
    sql: `SELECT format('%I on %I.%I', r.rulename, n.nspname, c.relname) FROM pg_rewrite r
            JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE r.rulename <> '_RETURN' AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_rewrite', 'r.oid')}`,
  },
  { kind: 'extended statistics', sql: namespacedObjects('pg_statistic_ext', 'stxname', 'stxnamespace') },
  { kind: 'large objects', sql: `SELECT count(*) || ' large object(s)' FROM pg_largeobject_metadata HAVING count(*) > 0` },
  {
    kind: 'replica identity',
    sql: `SELECT format('%I.%I %s', n.nspname, c.relname, CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'
                  ELSE 'USING INDEX ' || (SELECT quote_ident(ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                                           WHERE i.indrelid = c.oid AND i.indisreplident) END)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}`,
  },
  {
    kind: 'column storage, statistics or compression',
    // attcompression is 14+ and attstattarget NULL by default from 17 (-1 before): read through to_jsonb to stay version-proof.
    sql: `SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname)
                 || concat_ws(' ', '', CASE WHEN a.attstorage <> t.typstorage THEN 'storage ' || a.attstorage::text END,
                              CASE WHEN coalesce((to_jsonb(a) ->> 'attstattarget')::int, -1) <> -1 THEN 'statistics ' || (to_jsonb(a) ->> 'attstattarget') END,
                              CASE WHEN coalesce(to_jsonb(a) ->> 'attcompression', '') <> '' THEN 'compression ' || (to_jsonb(a) ->> 'attcompression') END)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') AND ${isUserSchema('n.nspname')}
             AND ${isNotExtensionMember('pg_class', 'c.oid')}
             AND (a.attstorage <> t.typstorage OR coalesce((to_jsonb(a) ->> 'attstattarget')::int, -1) <> -1
                  OR coalesce(to_jsonb(a) ->> 'attcompression', '') <> '')`,
  },
  {
    kind: 'CLUSTER ON index',
    sql: `SELECT format('%I.%I', n.nspname, ic.relname) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = ic.relnamespace
           WHERE i.indisclustered AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'i.indrelid')}`,
  },
];

export async function listUnsupportedObjects(session: Session): Promise<UnsupportedObject[]> {
  const union = unsupportedKinds
    .map((k, i) => `SELECT ${i} AS kind, name FROM (${k.sql}) AS k${i}(name)`)
    .join('\n UNION ALL ');
  const rows = await runQuery<{ kind: number; name: string }>(session, 'objects pgferry does not migrate', `${union}\n ORDER BY 1, 2`);
  return rows.map((r) => ({ kind: unsupportedKinds[r.kind]!.kind, name: r.name }));
}
