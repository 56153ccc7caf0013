/** The key a large table can be split on: a single-column integer primary key, with its range in the current snapshot. */
import { runQuery, type Session } from '../run-query.js';
import { qualifiedName, quoteIdent } from '../sql.js';

import type { ChunkKey } from '../../../model/key-range.js';

export async function readChunkKey(session: Session, schema: string, table: string): Promise<ChunkKey | null> {
  const [key] = await runQuery<{ column: string }>(
    session,
    `the primary key of ${schema}.${table}`,
    `SELECT a.attname AS column
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary AND i.indnatts = 1
        AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)`,
    [schema, table],
  );
  if (!key) return null;
  const column = quoteIdent(key.column);
  const [range] = await runQuery<{ min: string | null; max: string | null }>(
    session,
    `the key range of ${schema}.${table}`,
    `SELECT min(${column})::text AS min, max(${column})::text AS max FROM ONLY ${qualifiedName(schema, table)}`,
  );
  return { column: key.column, min: range!.min, max: range!.max };
}
