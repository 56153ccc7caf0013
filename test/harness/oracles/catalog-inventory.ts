/**
 * A schema oracle independent of pgferry's readers and of the server's major: every user object by kind and
 * name with the facts that do not depend on how a major deparses SQL (column names, types, nullability and order;
 * constraint kinds and columns; index columns, uniqueness and method; function signatures; trigger events).
 */
import { withClient } from '../servers.js';

const userSchema = (column: string) =>
  `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg_toast%' AND ${column} NOT LIKE 'pg_temp%'`;
const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const inventoryQueries: readonly string[] = [
  `SELECT 'schema ' || quote_ident(nspname) FROM pg_namespace n WHERE ${userSchema('nspname')} AND ${notExtensionMember('pg_namespace', 'n.oid')}`,
  `SELECT 'extension ' || extname FROM pg_extension`,
  `SELECT format('relation %s %I.%I persistence %s populated %s', c.relkind, n.nspname, c.relname, c.relpersistence, c.relispopulated)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}
      AND NOT (c.relkind = 'c' AND EXISTS (SELECT 1 FROM pg_type t WHERE t.typrelid = c.oid AND t.typtype <> 'c'))`,
  `SELECT format('column %I.%I #%s %I %s%s%s%s', n.nspname, c.relname,
                 row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname, format_type(a.atttypid, a.atttypmod),
                 CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, CASE WHEN a.atthasdef THEN ' default' ELSE '' END,
                 CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${userSchema('n.nspname')}
      AND ${notExtensionMember('pg_class', 'c.oid')}`,
  `SELECT format('constraint %I.%I %I %s validated %s deferrable %s', n.nspname, coalesce(c.relname, t.typname), k.conname, k.contype,
                 k.convalidated, k.condeferrable)
     FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
     LEFT JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_type t ON t.oid = k.contypid
    -- A partition's clone of an inherited constraint is named by the server, differently by major.
    WHERE ${userSchema('n.nspname')} AND k.contype <> 'n' AND k.conparentid = 0`,
  `SELECT format('index %I.%I on %I unique %s primary %s method %s columns %s valid %s', n.nspname, ic.relname, c.relname, i.indisunique,
                 i.indisprimary, am.amname, i.indnatts, i.indisvalid)
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_am am ON am.oid = ic.relam
    WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_class', 'c.oid')}`,
  `SELECT format('routine %I.%I(%s) kind %s returns %s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,
                 format_type(p.prorettype, NULL))
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_proc', 'p.oid')}`,
  `SELECT format('trigger %I.%I %I type %s enabled %s', n.nspname, c.relname, t.tgname, t.tgtype, t.tgenabled)
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND ${userSchema('n.nspname')}`,
  `SELECT format('type %I.%I %s', n.nspname, t.typname, t.typtype) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ${userSchema('n.nspname')} AND ${notExtensionMember('pg_type', 't.oid')}`,
  `SELECT format('sequence %I.%I %s %s..%s by %s cycle %s last %s called %s', schemaname, sequencename, data_type, min_value, max_value,
                 increment_by, cycle, last_value, last_value IS NOT NULL) FROM pg_sequences WHERE ${userSchema('schemaname')}`,
  `SELECT format('policy %I.%I %I %s', schemaname, tablename, policyname, cmd) FROM pg_policies`,
  `SELECT format('comment on %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), md5(d.description)) FROM pg_description d
    WHERE d.objoid >= 16384 AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')`,
];

/** Every user object of the database as one sorted list of lines. */
export async function catalogInventory(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const lines: string[] = [];
    for (const sql of inventoryQueries) {
      const { rows } = await client.query<{ line: string }>(`SELECT line FROM (${sql}) AS q(line)`);
      lines.push(...rows.map((r) => r.line));
    }
    return lines.sort();
  });
}
