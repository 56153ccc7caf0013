/**
 * Digests of a table without an integer key, split by the leading bits of a hash: the key's hash, or, without a
 * key, the row's own hash (so equal rows fall in one bucket on both sides). A bucket is the set of rows whose
 * hash starts with a prefix of `digits` 4-bit digits, named by that prefix read as a signed integer (what an
 * arithmetic shift of the hash gives). Each query is one scan that answers for many buckets at once.
 */
import { runQuery, type Session } from '../run-query.js';
import { qualifiedName } from '../sql.js';
import type { Digest, HashBuckets as Buckets, TableShape } from '../../../model/verify/table-shape.js';
import { sampleCondition } from './table-digests.js';
import { keyText, rowHash } from './table-shape.js';

/**
 * SQL: each row's hash, key text and bucket hash, computed once per row (OFFSET 0 keeps the planner from copying
 * the expressions into the outer query, where they would be computed again).
 */
function hashedRows(shape: TableShape, samplePercent: number | undefined): string {
  const keyless = shape.key.length === 0;
  const key = keyless ? 'NULL::text' : keyText(shape);
  const keyBytes = shape.textAsUtf8 ? `encode(convert_to(${key}, 'UTF8'), 'hex')` : `${key} COLLATE "C"`;
  return `SELECT h.hash, ${keyless ? 'h.hash::text' : 'h.key'} AS key, ${keyless ? 'h.hash' : 'hashtextextended(h.key_bytes, 0)'} AS bucket
            FROM (SELECT ${rowHash(shape)} AS hash, ${key} AS key, ${keyless ? 'NULL::text' : keyBytes} AS key_bytes
                    FROM ONLY ${qualifiedName(shape.schema, shape.name)} t
                   WHERE ${sampleCondition(shape, samplePercent)} OFFSET 0) h`;
}

/** SQL: the bucket a row falls in at `digits` digits (0 digits: the whole table, bucket "0"). */
function bucketAt(digits: number): string {
  return digits === 0 ? '0::int8' : `(r.bucket >> ${64 - digits * 4})`;
}

/** SQL: the row falls in one of `buckets`; the prefixes are the query's first parameter. */
function inBuckets(buckets: Buckets | undefined): string {
  return buckets ? `${bucketAt(buckets.digits)} = ANY($1::int8[])` : 'true';
}

/**
 * Count and hash sum of every bucket one digit deeper than `parents` (the whole table's 16 first buckets when
 * undefined), keyed by the bucket's name.
 */
export async function readChildBucketDigests(session: Session, shape: TableShape, parents: Buckets | undefined, samplePercent: number | undefined): Promise<Map<string, Digest>> {
  const rows = await runQuery<{ bucket: string; n: string; hash: string }>(
    session,
    `the hash-bucket digests of ${shape.schema}.${shape.name}`,
    `SELECT ${bucketAt((parents?.digits ?? 0) + 1)}::text AS bucket, count(*) AS n, coalesce(sum(r.hash), 0)::text AS hash
       FROM (${hashedRows(shape, samplePercent)}) r
      WHERE ${inBuckets(parents)}
      GROUP BY 1`,
    parents ? [parents.prefixes] : [],
  );
  return new Map(rows.map((r) => [r.bucket, { rows: Number(r.n), hash: r.hash }]));
}

/** Key and hash of each row in `buckets`, as readRowHashes gives them ("hash×copies" per key). */
export async function readBucketRowHashes(session: Session, shape: TableShape, buckets: Buckets, samplePercent: number | undefined): Promise<Map<string, string>> {
  const rows = await runQuery<{ key: string; hash: string; n: string }>(
    session,
    `the row hashes of ${shape.schema}.${shape.name}`,
    `SELECT r.key, r.hash::text AS hash, count(*) AS n
       FROM (${hashedRows(shape, samplePercent)}) r
      WHERE ${inBuckets(buckets)}
      GROUP BY 1, 2`,
    [buckets.prefixes],
  );
  return new Map(rows.map((r) => [r.key, `${r.hash}×${r.n}`]));
}
