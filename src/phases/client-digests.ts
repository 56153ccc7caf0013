/**
 * Verification's digests computed here, from the rows an end streams, with the canonical row hash
 * (model/verify/canonical-row-hash.ts): used on both ends when either cannot hash on its own. Same answers, same
 * shapes as the server-side digests, so verify-table.ts does not know which it got.
 */
import type { VerifyReader } from '../endpoints/endpoint.js';
import { addHash, canonicalRowHash, canonicalValue, recordText } from '../model/verify/canonical-row-hash.js';
import { shownCharacters, type Digest, type DigestOptions, type HashBuckets, type KeyBounds, type TableShape } from '../model/verify/table-shape.js';

interface HashedRow {
  readonly key: string;
  readonly hash: bigint;
  readonly values: ReadonlyArray<string | null>;
}

async function* hashedRows(reader: VerifyReader, shape: TableShape, within: KeyBounds | undefined, samplePercent: number | undefined): AsyncIterable<HashedRow> {
  const keyAt = shape.key.map((k) => shape.columns.indexOf(k));
  for await (const values of reader.rowValues(shape, within)) {
    const hash = canonicalRowHash(shape.columnTypes, values);
    const keyValues = keyAt.map((i) => (values[i] === null || values[i] === undefined ? null : canonicalValue(shape.columnTypes[i] ?? '', values[i]!)));
    const key = keyAt.length === 0 ? hash.toString() : keyAt.length === 1 ? (keyValues[0] ?? '') : recordText(keyValues);
    // The same rows on both sides: the choice depends only on the key (or, without one, the row).
    if (samplePercent !== undefined && samplePercent < 100 && canonicalRowHash(['text'], [key]) % 10000n >= BigInt(Math.round(samplePercent * 100))) continue;
    yield { key, hash, values };
  }
}

function chunkOf(shape: TableShape, row: HashedRow, options: DigestOptions): string {
  if (!options.chunks) return '0';
  const key = BigInt(row.key);
  const offset = key - options.chunks.min;
  // floor division, so a key below min is in a negative chunk.
  const chunk = offset >= 0n ? offset / options.chunks.width : -((-offset + options.chunks.width - 1n) / options.chunks.width);
  return chunk.toString();
}

/** The hash a row's bucket is chosen by: the key's, or without a key the row's own (equal rows share a bucket). */
function bucketHash(shape: TableShape, row: HashedRow): bigint {
  return BigInt.asIntN(64, shape.key.length === 0 ? row.hash : canonicalRowHash(['text'], [row.key]));
}

/** The bucket of `digits` leading 4-bit digits a hash falls in, named by the prefix read as a signed integer. */
function bucketAt(hash: bigint, digits: number): string {
  return digits === 0 ? '0' : (hash >> BigInt(64 - digits * 4)).toString();
}

/** The rows of `buckets` (every row when undefined), each with its bucket one digit deeper. */
async function* rowsInBuckets(reader: VerifyReader, shape: TableShape, buckets: HashBuckets | undefined, samplePercent: number | undefined, depth: number): AsyncIterable<HashedRow & { bucket: string }> {
  const wanted = buckets ? new Set(buckets.prefixes) : undefined;
  for await (const row of hashedRows(reader, shape, undefined, samplePercent)) {
    const hash = bucketHash(shape, row);
    if (wanted && !wanted.has(bucketAt(hash, buckets!.digits))) continue;
    yield { ...row, bucket: bucketAt(hash, depth) };
  }
}

/** `reader` with digests, row hashes and row texts computed on this side from its rows. */
export function hashOnClient(reader: VerifyReader): VerifyReader {
  return {
    ...reader,
    digests: async (shape, options) => {
      const sums = new Map<string, { rows: number; hash: bigint }>();
      for await (const row of hashedRows(reader, shape, options.within, options.samplePercent)) {
        const chunk = chunkOf(shape, row, options);
        const sum = sums.get(chunk) ?? { rows: 0, hash: 0n };
        sums.set(chunk, { rows: sum.rows + 1, hash: addHash(sum.hash, row.hash) });
      }
      return new Map([...sums].map(([chunk, sum]): [string, Digest] => [chunk, { rows: sum.rows, hash: sum.hash.toString() }]));
    },
    rowHashes: async (shape, within, samplePercent) => {
      const counts = new Map<string, { hash: bigint; n: number }>();
      for await (const row of hashedRows(reader, shape, within, samplePercent)) {
        const seen = counts.get(row.key);
        counts.set(row.key, { hash: row.hash, n: (seen?.n ?? 0) + 1 });
      }
      return new Map([...counts].map(([key, v]) => [key, `${v.hash}×${v.n}`]));
    },
    bucketDigests: async (shape, parents, samplePercent) => {
      const sums = new Map<string, { rows: number; hash: bigint }>();
      for await (const row of rowsInBuckets(reader, shape, parents, samplePercent, (parents?.digits ?? 0) + 1)) {
        const sum = sums.get(row.bucket) ?? { rows: 0, hash: 0n };
        sums.set(row.bucket, { rows: sum.rows + 1, hash: addHash(sum.hash, row.hash) });
      }
      return new Map([...sums].map(([bucket, sum]): [string, Digest] => [bucket, { rows: sum.rows, hash: sum.hash.toString() }]));
    },
    bucketRowHashes: async (shape, buckets, samplePercent) => {
      const counts = new Map<string, { hash: bigint; n: number }>();
      for await (const row of rowsInBuckets(reader, shape, buckets, samplePercent, buckets.digits)) {
        const seen = counts.get(row.key);
        counts.set(row.key, { hash: row.hash, n: (seen?.n ?? 0) + 1 });
      }
      return new Map([...counts].map(([key, v]) => [key, `${v.hash}×${v.n}`]));
    },
    rowTexts: async (shape, keys) => {
      const wanted = new Set(keys);
      const texts = new Map<string, string>();
      if (wanted.size === 0) return texts;
      for await (const row of hashedRows(reader, shape, undefined, undefined)) {
        if (!wanted.has(row.key) || texts.has(row.key)) continue;
        texts.set(row.key, recordText(row.values.map((v) => (v === null ? null : v.slice(0, shownCharacters)))));
      }
      return texts;
    },
  };
}
