/**
 * Pure: the one key-range splitter. Large tables are copied and verified in ranges of a single-column integer key;
 * copy chunks and verify parts are both cut here.
 */

/** The key a large table can be split on, with its range in the source's snapshot. */
export interface ChunkKey {
  readonly column: string;
  /** Smallest and largest key as decimal strings (bigint-safe); null when the table is empty. */
  readonly min: string | null;
  readonly max: string | null;
}

/** A half-open range [from, to) of a single-column integer key; null bounds are open. */
export interface KeyRange {
  readonly column: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** One of `parts` equal slices of [min, max]: its bounds (the first and last open) and the keys it covers. */
export interface KeySlice {
  readonly from: bigint | null;
  readonly to: bigint | null;
  /** The first key of the slice and how many keys it spans (both within [min, max]). */
  readonly first: bigint;
  readonly span: bigint;
}

/**
 * Cuts [min, max] into `parts` slices of (almost) equal width; never more slices than keys. The first and last are
 * open, so a key outside [min, max] (a row added on the other side) still falls in one.
 */
export function splitKeys(min: bigint, max: bigint, parts: number): KeySlice[] {
  const span = max - min + 1n;
  const count = BigInt(Math.max(1, parts)) < span ? BigInt(Math.max(1, parts)) : span;
  const bound = (i: bigint) => min + (span * i) / count;
  return Array.from({ length: Number(count) }, (_, n) => {
    const i = BigInt(n);
    return { from: i === 0n ? null : bound(i), to: i === count - 1n ? null : bound(i + 1n), first: bound(i), span: bound(i + 1n) - bound(i) };
  });
}
