/** What verification needs to know of a table: its columns in order and its key. */
import { runQuery, type Session } from '../run-query.js';
import { qualifiedName, quoteIdent } from '../sql.js';

export interface TableShape {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
  /** Primary key columns, empty without one. */
  readonly key: readonly string[];
  /** The key is one integer column, so chunks can be key ranges. */
  readonly integerKey: boolean;
}

export async function readTableShape(session: Session, schema: string, name: string): Promise<TableShape> {
  const [row] = await runQuery<{ columns: string[]; key: string[] | null; integer_key: boolean }>(
    session,
    `the columns of ${schema}.${name}`,
    `SELECT ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.n) FROM pg_index i
               CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key,
            (SELECT i.indnatts = 1 AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
               FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
              WHERE i.indrelid = c.oid AND i.indisprimary) IS TRUE AS integer_key
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [qualifiedName(schema, name)],
  );
  if (!row) return { schema, name, columns: [], key: [], integerKey: false };
  return { schema, name, columns: row.columns, key: row.key ?? [], integerKey: row.integer_key };
}

/** SQL: the row's text under normalizeSession, columns in the source's order. */
export function rowText(shape: TableShape): string {
  return `ROW(${shape.columns.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`;
}

/** SQL: the key's text (or, without a key, the row's hash, which makes equal rows one multiset entry). */
export function keyText(shape: TableShape): string {
  if (shape.key.length === 0) return `hashtextextended(${rowText(shape)}, 0)::text`;
  if (shape.key.length === 1) return `t.${quoteIdent(shape.key[0]!)}::text`;
  return `ROW(${shape.key.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`;
}
