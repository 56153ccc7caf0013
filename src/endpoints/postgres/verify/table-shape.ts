/** What verification needs to know of a table: its columns in order and its key. */
import { runQuery, type Session } from '../run-query.js';
import { qualifiedName, quoteIdent } from '../sql.js';
import { shownCharacters, type TableShape } from '../../../model/verify/table-shape.js';

export type { TableShape } from '../../../model/verify/table-shape.js';

export async function readTableShape(session: Session, schema: string, name: string): Promise<TableShape> {
  return (await readTableShapes(session, [{ schema, name }])).get(qualifiedName(schema, name))!;
}

/** The shapes of many tables in one query, keyed by qualified name; a table that does not exist has no columns. */
export async function readTableShapes(session: Session, tables: ReadonlyArray<{ readonly schema: string; readonly name: string }>): Promise<Map<string, TableShape>> {
  const rows = await runQuery<{ at: number; columns: string[]; types: string[]; key: string[] | null }>(
    session,
    `the columns of ${tables.length} table(s)`,
    `SELECT w.at::int AS at,
            ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS columns,
            ARRAY(SELECT coalesce(bt.typname, t.typname)::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                    LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS types,
            (SELECT array_agg(a.attname::text ORDER BY k.n) FROM pg_index i
               CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(schema, name, at)
       JOIN pg_namespace n ON n.nspname = w.schema
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.name`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  const found = new Map(rows.map((r) => [r.at, r]));
  return new Map(
    tables.map((t, i) => {
      const row = found.get(i + 1);
      const shape = row ? { schema: t.schema, name: t.name, columns: row.columns, columnTypes: row.types, key: row.key ?? [] } : { schema: t.schema, name: t.name, columns: [], columnTypes: [], key: [] };
      return [qualifiedName(t.schema, t.name), shape];
    }),
  );
}

/** SQL: the row's text under normalizeSession, columns in the source's order, each value cut short on the server. */
export function rowText(shape: TableShape): string {
  const values = shape.columns.map((c, i) =>
    shape.columnTypes[i] === 'bytea'
      ? `left(substring(t.${quoteIdent(c)} FROM 1 FOR ${shownCharacters / 2})::text, ${shownCharacters})`
      : `left(t.${quoteIdent(c)}::text, ${shownCharacters})`,
  );
  return `ROW(${values.join(', ')})::text`;
}

/**
 * How a column of a built-in type is hashed without turning it into text: the type's own extended hash function
 * (the one hash partitioning uses, the same on every major). Timestamps with time zone hash their instant (the
 * session is in UTC); text hashes its bytes. Those functions return the seed itself for 0 and -0 (floats) and for
 * NaN and ±Infinity (numeric); numeric's ignores the sign (1 and -1 hash alike) and the scale (1.0 and 1.00). Such
 * values are hashed through their text instead, and a numeric's sign and scale are mixed into its seed, so values
 * an application can tell apart never hash alike. jsonb's own hash ignores structure ('[1]' and '1' hash alike), so jsonb hashes its canonical text.
 * Every other type — enums (hashed by OID, which differs between databases), extension types, arrays, composites,
 * dates, bytea — is hashed through its text under normalizeSession.
 */
const nativeHashes: Readonly<Record<string, (column: string, seed: string) => string>> = {
  int2: (c, s) => `hashint2extended(${c}, ${s})`,
  int4: (c, s) => `hashint4extended(${c}, ${s})`,
  int8: (c, s) => `hashint8extended(${c}, ${s})`,
  numeric: (c, s) =>
    `CASE WHEN scale(${c}) IS NULL THEN hashtextextended(${c}::text, ${s})
          ELSE hash_numeric_extended(${c}, ${s} + 1048576 * scale(${c}) + CASE WHEN ${c} < 0 THEN 1099511627776 ELSE 0 END) END`,
  float4: (c, s) => `CASE WHEN ${c} = 0 THEN hashtextextended(${c}::text, ${s}) ELSE hashfloat4extended(${c}, ${s}) END`,
  float8: (c, s) => `CASE WHEN ${c} = 0 THEN hashtextextended(${c}::text, ${s}) ELSE hashfloat8extended(${c}, ${s}) END`,
  text: (c, s) => `hashtextextended(${c} COLLATE "C", ${s})`,
  varchar: (c, s) => `hashtextextended(${c}::text COLLATE "C", ${s})`,
  uuid: (c, s) => `uuid_hash_extended(${c}, ${s})`,
  timestamp: (c, s) => `timestamp_hash_extended(${c}, ${s})`,
  timestamptz: (c, s) => `timestamp_hash_extended(${c}::timestamp, ${s})`,
};

/** Types whose native hash reads their bytes in the database's encoding. */
const textTypes = new Set(['text', 'varchar']);

/**
 * SQL: a 64-bit hash of the row — the XOR of each column's hash seeded with its position. Every column hash is
 * NULL exactly when the value is (the functions are strict), and a NULL hashes as a constant made with another
 * hash function and seed, so a NULL collides with no value (the hash of a value may equal its seed, never this).
 */
export function rowHash(shape: TableShape): string {
  return shape.columns
    .map((column, i) => {
      const seed = `${i + 1}::int8`;
      const ref = `t.${quoteIdent(column)}`;
      const type = shape.columnTypes[i] ?? '';
      const native = shape.textAsUtf8 && textTypes.has(type) ? undefined : nativeHashes[type];
      // COLLATE "C": a nondeterministic (case-insensitive) collation would hash 'ABC' and 'abc' alike.
      const text = shape.textAsUtf8 ? `encode(convert_to(${ref}::text, 'UTF8'), 'hex')` : `${ref}::text COLLATE "C"`;
      const value = native ? native(`${ref}::${type}`, seed) : `hashtextextended(${text}, ${seed})`;
      return `coalesce(${value}, hashint8extended(${-(i + 1)}, 1958))`;
    })
    .join(' # ') || '0::int8';
}

/** SQL: the key's text (or, without a key, the row's hash, which makes equal rows one multiset entry). */
export function keyText(shape: TableShape): string {
  if (shape.key.length === 0) return `(${rowHash(shape)})::text`;
  if (shape.key.length === 1) return `t.${quoteIdent(shape.key[0]!)}::text`;
  return `ROW(${shape.key.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`;
}
