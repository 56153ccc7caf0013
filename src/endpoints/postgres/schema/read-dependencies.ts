/**
 * Which pre-data object needs which, from pg_depend, with every dependent catalog entry (a view's rewrite rule,
 * a column default, a constraint, an array type) mapped to the object that owns it. Keys match the schema
 * model's `key` ("class:<oid>", "type:<oid>", "proc:<oid>", for catalog objects "coll:<oid>", "opc:<oid>"…, and
 * "language:<name>" for a routine's language).
 */
import { runQuery, type Session } from '../run-query.js';

export async function readDependencies(session: Session): Promise<Map<string, string[]>> {
  const rows = await runQuery<{ key: string; needs: string }>(
    session,
    'dependencies between objects',
    `WITH keys AS (
       SELECT 'pg_class'::regclass AS classid, c.oid AS objid,
              CASE WHEN c.relkind = 'c' THEN 'type:' || c.reltype WHEN c.relkind = 'i' THEN 'class:' || i.indrelid
                   ELSE 'class:' || c.oid END AS key
         FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE c.oid >= 16384
       UNION ALL
       SELECT 'pg_type'::regclass, t.oid,
              CASE WHEN et.typrelid <> 0 AND (SELECT r.relkind FROM pg_class r WHERE r.oid = et.typrelid) <> 'c'
                   THEN 'class:' || et.typrelid ELSE 'type:' || et.oid END
         FROM pg_type t JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
        WHERE t.oid >= 16384
       UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'proc:' || p.oid FROM pg_proc p WHERE p.oid >= 16384
       UNION ALL SELECT 'pg_language'::regclass, l.oid, 'language:' || l.lanname FROM pg_language l WHERE l.oid >= 16384
       UNION ALL SELECT 'pg_rewrite'::regclass, r.oid, 'class:' || r.ev_class FROM pg_rewrite r WHERE r.oid >= 16384
       UNION ALL SELECT 'pg_attrdef'::regclass, a.oid, 'class:' || a.adrelid FROM pg_attrdef a
       UNION ALL SELECT 'pg_collation'::regclass, o.oid, 'coll:' || o.oid FROM pg_collation o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_ts_parser'::regclass, o.oid, 'tsparser:' || o.oid FROM pg_ts_parser o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_ts_template'::regclass, o.oid, 'tstemplate:' || o.oid FROM pg_ts_template o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_ts_dict'::regclass, o.oid, 'tsdict:' || o.oid FROM pg_ts_dict o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_ts_config'::regclass, o.oid, 'tsconfig:' || o.oid FROM pg_ts_config o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_cast'::regclass, o.oid, 'cast:' || o.oid FROM pg_cast o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_operator'::regclass, o.oid, 'opr:' || o.oid FROM pg_operator o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_opfamily'::regclass, o.oid, 'opf:' || o.oid FROM pg_opfamily o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_opclass'::regclass, o.oid, 'opc:' || o.oid FROM pg_opclass o WHERE o.oid >= 16384
       -- A family's or class's members are created with their family (what they need, the family needs).
       UNION ALL SELECT 'pg_amop'::regclass, o.oid, 'opf:' || o.amopfamily FROM pg_amop o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_amproc'::regclass, o.oid, 'opf:' || o.amprocfamily FROM pg_amproc o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_conversion'::regclass, o.oid, 'conv:' || o.oid FROM pg_conversion o WHERE o.oid >= 16384
       UNION ALL SELECT 'pg_constraint'::regclass, k.oid,
                        CASE WHEN k.conrelid <> 0 THEN 'class:' || k.conrelid ELSE 'type:' || k.contypid END
                   FROM pg_constraint k WHERE k.oid >= 16384
     )
     SELECT DISTINCT a.key, b.key AS needs
       FROM pg_depend d
       JOIN keys a ON a.classid = d.classid AND a.objid = d.objid
       JOIN keys b ON b.classid = d.refclassid AND b.objid = d.refobjid
      WHERE d.deptype IN ('n', 'a') AND a.key <> b.key
        AND NOT (d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid <> 0)`,
  );
  const needs = new Map<string, string[]>();
  for (const row of rows) needs.set(row.key, [...(needs.get(row.key) ?? []), row.needs]);
  return needs;
}
