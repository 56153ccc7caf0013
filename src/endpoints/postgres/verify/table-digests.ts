/**
 * Content digests computed by the server itself: per chunk of rows, a count and the sum of each row's 64-bit
 * hash (see rowHash). A sum is independent of row order, so both sides may scan as they like, and equal rows (a table without
 * a key) count as a multiset. Only digests cross the network.
 */
import { runQuery, type Session } from '../run-query.js';
import { qualifiedName, quoteIdent } from '../sql.js';
import { keyText, rowHash, rowText } from './table-shape.js';
import type { Digest, DigestOptions, KeyBounds, KeyChunks, TableShape } from '../../../model/verify/table-shape.js';


const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;
/** An int8 literal that stays int8 at both ends of the range (a bare -9223372036854775808 is a numeric's negation). */
const int8 = (value: bigint) => `'${value}'::int8`;

/** A bound beyond the int8 range holds no key, so it is left out rather than written as a literal no key type takes. */
export function keyCondition(shape: TableShape, bounds: KeyBounds | undefined): string {
  const parts = [
    bounds?.from != null && bounds.from > int8Min ? `${keyColumn(shape)} >= ${int8(bounds.from)}` : '',
    bounds?.to != null && bounds.to <= int8Max ? `${keyColumn(shape)} < ${int8(bounds.to)}` : '',
  ].filter(Boolean);
  return parts.join(' AND ') || 'true';
}

/**
 * SQL: the chunk a row falls in, floor((key - min) / width). int8 arithmetic where key - min cannot overflow, exact
 * numeric integer division beyond (a key near ±9.2e18, or a target row far outside the source's range); floor, so a
 * key below min is in a negative chunk whose range holds it.
 */
function chunkOf(shape: TableShape, chunks: KeyChunks): string {
  const key = `${keyColumn(shape)}::int8`;
  const [min, width] = [int8(chunks.min), int8(chunks.width)];
  const safeTop = int8(chunks.min < 0n ? chunks.min + int8Max : int8Max);
  return `CASE WHEN ${key} >= ${min} AND ${key} <= ${safeTop} THEN ((${key} - ${min}) / ${width})::text
               WHEN ${key} >= ${min} THEN div(${key}::numeric - ${min}, ${width})::text
               ELSE (-div(${min}::numeric - ${key} + ${width} - 1, ${width}))::text END`;
}


/** Rows kept when sampling: the same on both sides, since it depends only on the key (or the row). */
export function sampleCondition(shape: TableShape, samplePercent: number | undefined): string {
  if (samplePercent === undefined || samplePercent >= 100) return 'true';
  return `abs(hashtextextended(${keyText(shape)}, 7) % 10000) < ${Math.round(samplePercent * 100)}`;
}

function keyColumn(shape: TableShape): string {
  return `t.${quoteIdent(shape.key[0]!)}`;
}

/** Digest per chunk (chunk "0" only, without key chunks); `within` limits the scan to one key range. */
export async function readDigests(
  session: Session,
  shape: TableShape,
  options: DigestOptions,
): Promise<Map<string, Digest>> {
  const chunk = options.chunks ? chunkOf(shape, options.chunks) : `'0'`;
  const within = keyCondition(shape, options.within);
  const rows = await runQuery<{ chunk: string; n: string; hash: string }>(
    session,
    `the digests of ${shape.schema}.${shape.name}`,
    `SELECT ${chunk} AS chunk, count(*) AS n, coalesce(sum(${rowHash(shape)}), 0)::text AS hash
       FROM ONLY ${qualifiedName(shape.schema, shape.name)} t
      WHERE ${within} AND ${sampleCondition(shape, options.samplePercent)}
      GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.chunk, { rows: Number(r.n), hash: r.hash }]));
}

/** Each row's key and hash (with how many rows share them: more than one only without a key). */
export async function readRowHashes(
  session: Session,
  shape: TableShape,
  within: KeyBounds | undefined,
  samplePercent: number | undefined,
): Promise<Map<string, string>> {
  const range = keyCondition(shape, within);
  const rows = await runQuery<{ key: string; hash: string; n: string }>(
    session,
    `the row hashes of ${shape.schema}.${shape.name}`,
    `SELECT ${keyText(shape)} AS key, (${rowHash(shape)})::text AS hash, count(*) AS n
       FROM ONLY ${qualifiedName(shape.schema, shape.name)} t
      WHERE ${range} AND ${sampleCondition(shape, samplePercent)}
      GROUP BY 1, 2`,
  );
  const hashes = new Map<string, string>();
  for (const r of rows) hashes.set(r.key, `${r.hash}×${r.n}`);
  return hashes;
}

/** The rows with these keys, as text (one per key), each value cut to its first few hundred characters by the server. */
export async function readRowTexts(session: Session, shape: TableShape, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await runQuery<{ key: string; row: string }>(
    session,
    `sample rows of ${shape.schema}.${shape.name}`,
    `SELECT DISTINCT ON (1) ${keyText(shape)} AS key, ${rowText(shape)} AS row
       FROM ONLY ${qualifiedName(shape.schema, shape.name)} t WHERE ${keyText(shape)} = ANY($1::text[]) ORDER BY 1`,
    [keys],
  );
  return new Map(rows.map((r) => [r.key, r.row]));
}
