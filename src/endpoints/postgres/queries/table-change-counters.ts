/** Per table, what moves when its rows change: the file (TRUNCATE, rewrites) and the insert/update/delete counters. */
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

/**
 * "schema.name" → "filenode inserted updated deleted". The counters come from the statistics system: a change
 * shows up once the writing session reports it (at its commit or exit on 15+, within about a second on 14).
 */
export async function readTableChangeCounters(session: Session): Promise<Record<string, string>> {
  const rows = await runQuery<{ name: string; counters: string }>(
    session,
    'the change counters of tables (pg_stat_all_tables)',
    `SELECT n.nspname || '.' || c.relname AS name,
            concat_ws(' ', pg_catalog.pg_relation_filenode(c.oid), s.n_tup_ins, s.n_tup_upd, s.n_tup_del) AS counters
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
      WHERE c.relkind = 'r' AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.counters]));
}
