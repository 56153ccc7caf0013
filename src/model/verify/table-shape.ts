/** What verification knows of a table and asks of each end: its columns and key, key chunks, digests. */

/** How many characters of each value a differing row shows, whichever end cut it: a 100 MB value must not cross the network to be shown. */
export const shownCharacters = 200;

export interface TableShape {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
  /** Each column's type name (pg_type.typname of the column, or of a domain's base type). */
  readonly columnTypes: readonly string[];
  /** Primary key columns, empty without one. */
  readonly key: readonly string[];
  /**
   * The two databases store text in different encodings (a LATIN1 source, a UTF8 target): text is hashed as its
   * UTF-8 bytes on both sides, else equal text would hash apart.
   */
  readonly textAsUtf8?: boolean;
}

/** Chunks of an integer key: chunk n holds keys in [min + n·width, min + (n+1)·width). */
export interface KeyChunks {
  readonly min: bigint;
  readonly width: bigint;
}

/** Key bounds [from, to); a null bound is open. */
export interface KeyBounds {
  readonly from: bigint | null;
  readonly to: bigint | null;
}

/** A chunk's row count and the sum (mod 2^64) of its rows' 64-bit hashes: equal for equal multisets of rows. */
export interface Digest {
  readonly rows: number;
  readonly hash: string;
}

export interface DigestOptions {
  readonly chunks?: KeyChunks;
  readonly within?: KeyBounds;
  readonly samplePercent?: number;
}

/**
 * Hash buckets of one depth, for a table without an integer key: the rows whose hash (the key's, or without a key
 * the row's own) starts with one of `prefixes`, each a prefix of `digits` 4-bit digits (1–16) named by its value
 * read as a signed integer.
 */
export interface HashBuckets {
  readonly digits: number;
  readonly prefixes: readonly string[];
}

/** The deepest buckets: every digit of a 64-bit hash. */
export const maxPrefixDigits = 16;
