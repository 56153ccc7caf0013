/**
 * Pure: the canonical client-side row hash, for verifying an end that cannot hash rows itself (SQLite, JSON) — and
 * then both ends, since a digest is only comparable with one made the same way. It reads each value as text in
 * PostgreSQL's output form (what a PostgreSQL end prints under verify's session settings, and what every other
 * source translates its values into) and normalizes what may print differently for the same value:
 *
 * - integers (int2, int4, int8, oid): decimal without sign or leading zeros to spare ("+007" → "7");
 * - floats (float4, float8): the shortest text that reads back as the same double; NaN, Infinity, -Infinity and -0
 *   are kept apart from every other value;
 * - bool: "t" or "f" for the spellings PostgreSQL reads as true (t, true, y, yes, on, 1) or false (f, false, n, no,
 *   off, 0), in any case; any other text is kept as it is, so it never passes for a false;
 * - bytea: hex ("\x…") in lower case; any other text (the escape format, where case matters) is kept as it is;
 * - numeric keeps its text: 1.0 and 1.00 have different scales, and an application can tell them apart;
 * - everything else (text, dates, timestamps, json, arrays, composites…) is compared as its exact text.
 *
 * A row hashes as the first 8 bytes of SHA-256 over every column's position and length-prefixed value (NULL has
 * its own marker, so it collides with no value, not even the empty string); a chunk's digest is the count and the
 * sum mod 2^64 of its rows' hashes, independent of row order, like the server-side digest. The two kinds of digest
 * are never compared with each other.
 */
import { createHash } from 'node:crypto';

const floatSpecials = new Set(['NaN', 'Infinity', '-Infinity']);

/** One value's canonical text for its column type (pg_type.typname, or a domain's base type). */
export function canonicalValue(type: string, text: string): string {
  switch (type) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return /^\s*[+-]?\d+\s*$/.test(text) ? BigInt(text.trim()).toString() : text;
    case 'float4':
    case 'float8': {
      if (floatSpecials.has(text)) return text;
      const value = Number(text);
      if (Number.isNaN(value)) return text;
      return Object.is(value, -0) ? '-0' : String(value);
    }
    case 'bool':
      if (/^(t|true|y|yes|on|1)$/i.test(text.trim())) return 't';
      return /^(f|false|n|no|off|0)$/i.test(text.trim()) ? 'f' : text;
    case 'bytea':
      return text.startsWith('\\x') ? `\\x${text.slice(2).toLowerCase()}` : text;
    default:
      return text;
  }
}

/** The row's 64-bit hash as an unsigned decimal string. */
export function canonicalRowHash(types: readonly string[], values: ReadonlyArray<string | null>): bigint {
  const hash = createHash('sha256');
  values.forEach((value, i) => {
    if (value === null) hash.update(`${i}:N;`);
    else {
      const canonical = canonicalValue(types[i] ?? '', value);
      hash.update(`${i}:${Buffer.byteLength(canonical)}:`).update(canonical).update(';');
    }
  });
  return hash.digest().readBigUInt64BE(0);
}

/** Sum of row hashes, mod 2^64. */
export function addHash(sum: bigint, rowHash: bigint): bigint {
  return (sum + rowHash) & 0xffff_ffff_ffff_ffffn;
}

/** A composite key's text as PostgreSQL prints a row: (a,b), a value quoted when it is empty or has a special character. */
export function recordText(values: ReadonlyArray<string | null>): string {
  const field = (v: string | null) => (v === null ? '' : v === '' || /[",()\\\s]/.test(v) ? `"${v.replace(/["\\]/g, (c) => c + c)}"` : v);
  return `(${values.map(field).join(',')})`;
}
