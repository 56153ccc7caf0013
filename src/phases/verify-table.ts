/**
 * Verifies one table's content: row counts, then digests per key chunk computed by both servers at once, then,
 * where a chunk differs, narrowing down (bisecting) to the exact keys that are missing, extra or different, with
 * a few rows shown side by side.
 */
import type { VerifyReader as Session } from '../endpoints/endpoint.js';
import { splitKeys, type KeySlice } from '../model/key-range.js';
import { maxPrefixDigits, type Digest, type HashBuckets, type KeyChunks, type TableShape } from '../model/verify/table-shape.js';

export interface RowDifference {
  readonly kind: 'missing' | 'extra' | 'different';
  /** The primary key's text; without a key, the row's hash. */
  readonly key: string;
  readonly source?: string;
  readonly target?: string;
  /** Without a key: how many copies of this row are missing or extra (1 unless equal rows repeat). */
  readonly rows?: number;
}

export interface TableVerdict {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly content: 'equal' | 'different' | 'not compared';
  /** Row differences found (the first `keptDifferences`); samples carry the rows' text. */
  readonly differences: readonly RowDifference[];
  /** How many rows differ: exact when `differingRowsExact`, else a lower bound (narrowing down stopped early). */
  readonly differingRows: number;
  readonly differingRowsExact: boolean;
  /** Why the content could not be compared (e.g. the table is missing on the target). */
  readonly problem?: string;
  readonly ms: number;
}

/** One verdict for a table checked in key-range parts. */
export function mergeVerdicts(parts: readonly TableVerdict[]): TableVerdict {
  const first = parts[0]!;
  const content = parts.some((p) => p.content === 'different') ? 'different' : first.content;
  return {
    table: first.table,
    sourceRows: parts.reduce((n, p) => n + p.sourceRows, 0),
    targetRows: parts.reduce((n, p) => n + p.targetRows, 0),
    content,
    differences: parts.flatMap((p) => p.differences),
    differingRows: parts.reduce((n, p) => n + p.differingRows, 0),
    differingRowsExact: parts.every((p) => p.differingRowsExact),
    ...(parts.find((p) => p.problem) ? { problem: parts.find((p) => p.problem)!.problem } : {}),
    ms: Math.max(...parts.map((p) => p.ms)),
  };
}

export interface TableCheckOptions {
  readonly countsOnly: boolean;
  readonly samplePercent?: number;
  readonly maxDiffs: number;
}

/** A chunk with more rows than this is split in 16 and the differing parts looked at again. */
const rowsPerLeaf = 20_000;
/** Without an integer key, a differing hash bucket of at most this many rows is compared row by row. */
const rowsPerHashBucket = 5_000;
/** Rows (keys and hashes) fetched from each side at once: what bounds verify's memory on a table without an integer key. */
const rowsPerFetch = 50_000;
/** Without an integer key, past this many rows fetched the count of differing rows becomes a lower bound. */
const maxRowsFetched = 2_000_000;
/** Differences kept per table (beyond them only counted), so a table where everything differs still fits in memory. */
const keptDifferences = 10_000;

/** The differing rows found so far: the first `keptDifferences` kept, all counted. */
interface Found {
  readonly list: RowDifference[];
  rows: number;
}

function collect(found: Found, differences: readonly RowDifference[]): void {
  for (const d of differences) {
    if (found.list.length < keptDifferences) found.list.push(d);
    found.rows += d.rows ?? 1;
  }
}

/** The chunks whose digests differ between the two ends (rows or hash), or that only one end has. */
function differingChunks(a: ReadonlyMap<string, Digest>, b: ReadonlyMap<string, Digest>): string[] {
  const differing: string[] = [];
  for (const chunk of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(chunk);
    const y = b.get(chunk);
    if (x?.rows !== y?.rows || x?.hash !== y?.hash) differing.push(chunk);
  }
  return differing;
}

function total(digests: ReadonlyMap<string, Digest>): number {
  let rows = 0;
  for (const d of digests.values()) rows += d.rows;
  return rows;
}

/** Keys whose hash (and, without a key, multiplicity) differ between two key → "hash×count" maps. */
function rowDifferences(source: ReadonlyMap<string, string>, target: ReadonlyMap<string, string>, keyless: boolean): RowDifference[] {
  const out: RowDifference[] = [];
  const count = (v: string) => Number(v.split('×')[1]);
  const copies = (n: number) => (keyless && n > 1 ? { rows: n } : {});
  for (const [key, value] of source) {
    const other = target.get(key);
    if (other === undefined) out.push({ kind: 'missing', key, ...copies(count(value)) });
    else if (other !== value) {
      const [a, b] = [count(value), count(other)];
      out.push(keyless ? { kind: a > b ? 'missing' : 'extra', key, ...copies(Math.abs(a - b)) } : { kind: 'different', key });
    }
  }
  for (const [key, value] of target) if (!source.has(key)) out.push({ kind: 'extra', key, ...copies(count(value)) });
  return out;
}

/** [from, to) narrowed to a part's bounds, so rows of the next part are not compared (and counted) twice. */
function clamp(range: { from: bigint; to: bigint }, part: KeyPart | undefined): { from: bigint; to: bigint } {
  const from = part?.from != null && part.from > range.from ? part.from : range.from;
  const to = part?.to != null && part.to < range.to ? part.to : range.to;
  return { from, to };
}

/** The source's smallest and largest key, when the primary key is one integer column (the key copy splits chunks on). */
async function keyRange(source: Session, shape: TableShape): Promise<{ min: bigint; max: bigint } | null> {
  const key = await source.chunkKey(shape);
  return key?.min != null && key.max != null ? { min: BigInt(key.min), max: BigInt(key.max) } : null;
}

/** A key range [from, to) of a big table checked on its own, so several jobs share one table; null bounds are open. */
export type KeyPart = KeySlice;

/** Splits a table's key range into `parts`; the first and last are open so a key outside the source's range is still seen. */
export async function splitKeyRange(source: Session, shape: TableShape, parts: number): Promise<KeyPart[] | null> {
  const range = await keyRange(source, shape);
  if (!range || parts < 2) return null;
  return splitKeys(range.min, range.max, parts);
}

/** `part`: only that key range (its rows and differences); the caller adds the parts up with mergeVerdicts. */
export async function verifyTable(source: Session, target: Session, shape: TableShape, options: TableCheckOptions, part?: KeyPart): Promise<TableVerdict> {
  const started = Date.now();
  const table = `${shape.schema}.${shape.name}`;
  if (options.countsOnly) {
    const leaf = { schema: shape.schema, name: shape.name, kind: 'table' as const };
    const [sourceRows, targetRows] = await Promise.all([source.countRows(leaf), target.countRows(leaf)]);
    return { table, sourceRows, targetRows, content: 'not compared', differences: [], differingRows: 0, differingRowsExact: true, ms: Date.now() - started };
  }
  const range = part ? { min: part.first, max: part.first + part.span - 1n } : await keyRange(source, shape);
  // At most about 256 chunks, each at least 1,000 keys wide.
  const width = range ? (range.max - range.min) / 256n + 1n : 0n;
  const chunks: KeyChunks | undefined = range ? { min: range.min, width: width < 1000n ? 1000n : width } : undefined;
  const within = part ? { from: part.from, to: part.to } : undefined;
  const digestOptions = { chunks, within, samplePercent: options.samplePercent };
  const [a, b] = await Promise.all([source.digests(shape, digestOptions), target.digests(shape, digestOptions)]);
  const differing = differingChunks(a, b);
  const verdict = { table, sourceRows: total(a), targetRows: total(b) };
  if (differing.length === 0) return { ...verdict, content: 'equal', differences: [], differingRows: 0, differingRowsExact: true, ms: Date.now() - started };

  const found: Found = { list: [], rows: 0 };
  let exact = true;
  if (chunks) {
    for (const chunk of differing.map(BigInt)) {
      // Narrowing every chunk down costs a scan of each; past a few screens of rows the count becomes a lower bound.
      if (found.rows >= options.maxDiffs * 20) {
        exact = false;
        break;
      }
      const from = chunks.min + chunk * chunks.width;
      const rows = Math.max(a.get(String(chunk))?.rows ?? 0, b.get(String(chunk))?.rows ?? 0);
      await bisect(source, target, shape, clamp({ from, to: from + chunks.width }, part), options, found, rows);
    }
  } else exact = await narrowByHash(source, target, shape, options, found);
  const differingRows = Math.max(found.rows, Math.abs(verdict.sourceRows - verdict.targetRows), exact ? 0 : 1);
  const differences = await withSamples(source, target, shape, found.list, options.maxDiffs);
  return { ...verdict, content: 'different', differences, differingRows, differingRowsExact: exact, ms: Date.now() - started };
}

async function bisect(
  source: Session,
  target: Session,
  shape: TableShape,
  within: { from: bigint; to: bigint },
  options: TableCheckOptions,
  found: Found,
  rows: number,
): Promise<void> {
  const width = within.to - within.from;
  if (rows <= rowsPerLeaf || width <= 16n) {
    const [x, y] = await Promise.all([source.rowHashes(shape, within, options.samplePercent), target.rowHashes(shape, within, options.samplePercent)]);
    collect(found, rowDifferences(x, y, false));
    return;
  }
  const chunks = { min: within.from, width: (width + 15n) / 16n };
  const [a, b] = await Promise.all([
    source.digests(shape, { chunks, within, samplePercent: options.samplePercent }),
    target.digests(shape, { chunks, within, samplePercent: options.samplePercent }),
  ]);
  for (const chunk of differingChunks(a, b).map(BigInt)) {
    const from = chunks.min + chunk * chunks.width;
    const next = { from, to: from + chunks.width < within.to ? from + chunks.width : within.to };
    await bisect(source, target, shape, next, options, found, Math.max(a.get(String(chunk))?.rows ?? 0, b.get(String(chunk))?.rows ?? 0));
  }
}

/**
 * Without an integer key: the table's rows are split into buckets by the leading bits of their hash, 16 more per
 * level, on both servers, one scan per level; only buckets whose digests differ are split again, until a bucket is
 * small enough to compare row by row. Rows are fetched a batch of buckets at a time, so memory stays bounded by a
 * batch; past `maxRowsFetched` rows the count becomes a lower bound. Returns whether it is exact.
 */
async function narrowByHash(source: Session, target: Session, shape: TableShape, options: TableCheckOptions, found: Found): Promise<boolean> {
  let fetched = 0;
  let parents: HashBuckets | undefined;
  for (;;) {
    const digests = (session: Session) => session.bucketDigests(shape, parents, options.samplePercent);
    const [a, b] = await Promise.all([digests(source), digests(target)]);
    const digits = (parents?.digits ?? 0) + 1;
    const rowsOf = (bucket: string) => Math.max(a.get(bucket)?.rows ?? 0, b.get(bucket)?.rows ?? 0);
    const differing = differingChunks(a, b);
    const leaves = differing.filter((bucket) => digits === maxPrefixDigits || rowsOf(bucket) <= rowsPerHashBucket);
    for (const batch of batchesOf(leaves, rowsOf, rowsPerFetch)) {
      if (fetched >= maxRowsFetched) return false;
      const read = (session: Session) => session.bucketRowHashes(shape, { digits, prefixes: batch }, options.samplePercent);
      const [x, y] = await Promise.all([read(source), read(target)]);
      collect(found, rowDifferences(x, y, shape.key.length === 0));
      fetched += batch.reduce((n, bucket) => n + rowsOf(bucket), 0);
    }
    const inner = differing.filter((bucket) => !leaves.includes(bucket));
    if (inner.length === 0) return true;
    parents = { digits, prefixes: inner };
  }
}

/** Buckets grouped so that each group holds at most about `limit` rows (a bigger bucket alone). */
function batchesOf(buckets: readonly string[], rowsOf: (bucket: string) => number, limit: number): string[][] {
  const batches: string[][] = [];
  let rows = limit;
  for (const bucket of buckets) {
    if (rows + rowsOf(bucket) > limit) {
      batches.push([]);
      rows = 0;
    }
    batches[batches.length - 1]!.push(bucket);
    rows += rowsOf(bucket);
  }
  return batches;
}

/** The first `maxDiffs` differences, with both sides' rows as text. */
async function withSamples(source: Session, target: Session, shape: TableShape, differences: RowDifference[], maxDiffs: number): Promise<RowDifference[]> {
  const shown = differences.slice(0, maxDiffs);
  const keys = shown.map((d) => d.key);
  const [x, y] = await Promise.all([source.rowTexts(shape, keys), target.rowTexts(shape, keys)]);
  return shown.map((d): RowDifference => ({ ...d, source: x.get(d.key), target: y.get(d.key) })).concat(differences.slice(maxDiffs));
}
