/** Extended statistics objects (CREATE STATISTICS) with their statistics target. */
import type { StatisticsDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

interface StatisticsRow {
  schema: string;
  name: string;
  table_schema: string;
  table: string;
  owner: string;
  definition: string;
  target: number | null;
}

/** Needs search_path = ''. The target is -1 by default before PostgreSQL 17 and NULL from 17: both become null. */
export async function readStatistics(session: Session): Promise<StatisticsDef[]> {
  const rows = await runQuery<StatisticsRow>(
    session,
    'extended statistics',
    `SELECT n.nspname AS schema, s.stxname AS name, tn.nspname AS table_schema, t.relname AS table,
            pg_get_userbyid(s.stxowner) AS owner, pg_get_statisticsobjdef(s.oid) AS definition,
            nullif(coalesce(s.stxstattarget, -1), -1)::int AS target
       FROM pg_statistic_ext s
       JOIN pg_namespace n ON n.oid = s.stxnamespace
       JOIN pg_class t ON t.oid = s.stxrelid
       JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_statistic_ext', 's.oid')}
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    table: { schema: r.table_schema, name: r.table },
    owner: r.owner,
    definition: r.definition,
    target: r.target,
  }));
}
