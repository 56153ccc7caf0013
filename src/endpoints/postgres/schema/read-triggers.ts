/** User triggers (created after the data so they do not fire during the load) and row-level-security policies. */
import type { PolicyDef, TriggerDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/** Before 13 a partition's cloned trigger was marked internal; from 13 it points at its parent (tgparentid). */
const clonedTriggerFilter: ReadonlyArray<{ readonly minMajor: number; readonly sql: string }> = [
  { minMajor: 13, sql: 'AND tg.tgparentid = 0' },
  { minMajor: 0, sql: '' },
];

/** Needs search_path = ''. */
export async function readTriggers(session: Session, major: number): Promise<TriggerDef[]> {
  const notCloned = clonedTriggerFilter.find((f) => major >= f.minMajor)!.sql;
  const rows = await runQuery<{ schema: string; table: string; name: string; definition: string; enabled: TriggerDef['enabled'] }>(
    session,
    'triggers',
    `SELECT n.nspname AS schema, c.relname AS table, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition, tg.tgenabled AS enabled
       FROM pg_trigger tg
       JOIN pg_class c ON c.oid = tg.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT tg.tgisinternal ${notCloned}
        AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({ table: { schema: r.schema, name: r.table }, name: r.name, definition: r.definition, enabled: r.enabled }));
}

const policyCommands = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' } as const;

/** Needs search_path = ''. */
export async function readPolicies(session: Session): Promise<PolicyDef[]> {
  const rows = await runQuery<{
    schema: string;
    table: string;
    name: string;
    permissive: boolean;
    command: keyof typeof policyCommands;
    roles: string[];
    using: string | null;
    with_check: string | null;
  }>(
    session,
    'row-level-security policies',
    `SELECT n.nspname AS schema, c.relname AS table, p.polname AS name, p.polpermissive AS permissive, p.polcmd AS command,
            ARRAY(SELECT pg_get_userbyid(r) FROM unnest(p.polroles) r WHERE r <> 0 ORDER BY 1)::text[] AS roles,
            pg_get_expr(p.polqual, p.polrelid) AS using, pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
       FROM pg_policy p
       JOIN pg_class c ON c.oid = p.polrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({
    table: { schema: r.schema, name: r.table },
    name: r.name,
    permissive: r.permissive,
    command: policyCommands[r.command],
    roles: r.roles,
    using: r.using,
    withCheck: r.with_check,
  }));
}
