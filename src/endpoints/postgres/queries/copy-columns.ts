/** The columns COPY must carry for a table, and whether binary COPY is safe for them. */
import { runQuery, type Session } from '../run-query.js';

export interface CopyColumns {
  /** Column names in table order; stored generated columns are left out (the target computes them). */
  readonly names: readonly string[];
  /**
   * Binary COPY embeds type OIDs for arrays and composites; a user-defined element or field type has a
   * different OID on the target, so such tables go as text.
   */
  readonly binarySafe: boolean;
}

export async function readCopyColumns(session: Session, schema: string, table: string): Promise<CopyColumns> {
  const rows = await runQuery<{ name: string; binary_safe: boolean }>(
    session,
    `the columns of ${schema}.${table}`,
    `SELECT a.attname AS name,
            NOT (t.oid >= 16384 AND (t.typcategory = 'A' OR t.typtype = 'c')) AS binary_safe
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [schema, table],
  );
  return { names: rows.map((r) => r.name), binarySafe: rows.every((r) => r.binary_safe) };
}
