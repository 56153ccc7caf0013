/** Rewrite rules on tables and views, other than the _RETURN rule that makes a view. */
import type { RuleDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

interface RuleRow {
  schema: string;
  table: string;
  name: string;
  definition: string;
  enabled: RuleDef['enabled'];
}

/** Needs search_path = ''. */
export async function readRules(session: Session): Promise<RuleDef[]> {
  const rows = await runQuery<RuleRow>(
    session,
    'rules',
    `SELECT n.nspname AS schema, c.relname AS table, r.rulename AS name,
            rtrim(pg_get_ruledef(r.oid), '; ' || chr(10)) AS definition, r.ev_enabled AS enabled
       FROM pg_rewrite r
       JOIN pg_class c ON c.oid = r.ev_class
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE r.rulename <> '_RETURN' AND ${isUserSchema('n.nspname')}
        AND ${isNotExtensionMember('pg_rewrite', 'r.oid')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({ table: { schema: r.schema, name: r.table }, name: r.name, definition: r.definition, enabled: r.enabled }));
}
