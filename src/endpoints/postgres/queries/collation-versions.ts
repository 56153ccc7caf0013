/** The collation versions behind columns: what the source's rows were sorted under, and what the target has now. */
import { runQuery, type Session } from '../run-query.js';
import { isUserSchema } from '../sql.js';

export interface ColumnCollationVersion {
  /** schema.name, unquoted */
  readonly collation: string;
  /** pg_collation.collversion: the version recorded when the collation was created or last refreshed. */
  readonly recordedVersion: string | null;
  /** What the server's ICU or C library reports now. */
  readonly actualVersion: string | null;
  /** schema.table.column of every column using it */
  readonly columns: readonly string[];
}

/** Collations other than the database default that columns of user tables and materialized views use. */
export async function readColumnCollationVersions(session: Session): Promise<ColumnCollationVersion[]> {
  return runQuery<ColumnCollationVersion>(
    session,
    'collation versions of columns',
    `SELECT cn.nspname || '.' || co.collname AS collation, co.collversion AS "recordedVersion",
            pg_collation_actual_version(co.oid) AS "actualVersion",
            array_agg(n.nspname || '.' || c.relname || '.' || a.attname ORDER BY 1) AS columns
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_collation co ON co.oid = a.attcollation JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND co.collname <> 'default'
        AND co.collprovider <> 'd' AND ${isUserSchema('n.nspname')}
      GROUP BY 1, 2, 3
      ORDER BY 1`,
  );
}
