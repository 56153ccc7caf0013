/** Comments on the objects pgferry creates, as COMMENT ON clauses (pg_identify_object names them). */
import type { CommentDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/** pg_identify_object's type → the COMMENT ON keyword; object kinds not listed are not migrated. */
const commentKeywords: Readonly<Record<string, string>> = {
  schema: 'SCHEMA',
  table: 'TABLE',
  'table column': 'COLUMN',
  view: 'VIEW',
  'view column': 'COLUMN',
  'materialized view': 'MATERIALIZED VIEW',
  'materialized view column': 'COLUMN',
  sequence: 'SEQUENCE',
  index: 'INDEX',
  type: 'TYPE',
  'composite type': 'TYPE',
  domain: 'DOMAIN',
  function: 'FUNCTION',
  procedure: 'PROCEDURE',
  aggregate: 'AGGREGATE',
  'table constraint': 'CONSTRAINT',
  trigger: 'TRIGGER',
  policy: 'POLICY',
  rule: 'RULE',
  'statistics object': 'STATISTICS',
};

/** Needs search_path = ''. */
export async function readComments(session: Session): Promise<CommentDef[]> {
  const rows = await runQuery<{ type: string; identity: string; text: string; policy: { schema: string; table: string; name: string } | null }>(
    session,
    'comments',
    `SELECT o.type, o.identity, d.description AS text,
            (SELECT json_build_object('schema', n.nspname, 'table', c.relname, 'name', p.polname) FROM pg_policy p
               JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE d.classoid = 'pg_policy'::regclass AND p.oid = d.objoid) AS policy
       FROM pg_description d
       CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
       -- Triggers, policies and rules belong to no schema (pg_identify_object says NULL): their table's schema decides. Only
       -- those migrate creates count: not a foreign key's internal triggers, nothing on an extension's tables.
       CROSS JOIN LATERAL (SELECT coalesce(o.schema,
                (SELECT n.nspname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE d.classoid = 'pg_trigger'::regclass AND t.oid = d.objoid AND NOT t.tgisinternal
                    AND ${isNotExtensionMember('pg_class', 'c.oid')}),
                (SELECT n.nspname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE d.classoid = 'pg_policy'::regclass AND p.oid = d.objoid AND ${isNotExtensionMember('pg_class', 'c.oid')}),
                (SELECT n.nspname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE d.classoid = 'pg_rewrite'::regclass AND r.oid = d.objoid AND ${isNotExtensionMember('pg_class', 'c.oid')})) AS name) s
      WHERE d.objoid >= 16384
        AND (CASE WHEN o.type = 'schema' THEN ${isUserSchema('o.identity')} ELSE s.name IS NOT NULL AND ${isUserSchema('s.name')} END)
        AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
        AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND d.classoid = 'pg_class'::regclass
                          AND d.objsubid > 0 AND e.objid = d.objoid AND e.deptype = 'e')
      ORDER BY 1, 2`,
  );
  return rows
    .filter((r) => commentKeywords[r.type] !== undefined)
    .map((r) => ({ target: `${commentKeywords[r.type]} ${r.identity}`, text: r.text, ...(r.policy ? { policy: r.policy } : {}) }));
}
