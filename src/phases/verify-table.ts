/**
 * Verifies one table's content: row counts, then digests per key chunk computed by both servers at once, then,
 * where a chunk differs, narrowing down (bisecting) to the exact keys that are missing, extra or different, with
 * a few rows shown side by side.
 */
import type { Session } from '../endpoints/postgres/run-query.js';
import { readChunkKey } from '../endpoints/postgres/queries/chunk-key.js';
import { countRows } from '../endpoints/postgres/queries/table-facts.js';
import { readDigests, readRowHashes, readRowTexts, type Digest, type KeyChunks } from '../endpoints/postgres/verify/table-digests.js';
import type { TableShape } from '../endpoints/postgres/verify/table-shape.js';

export interface RowDifference {
  readonly kind: 'missing' | 'extra' | 'different';
  /** The primary key's text; without a key, the row's hash. */
  readonly key: string;
  readonly source?: string;
  readonly target?: string;
}

export interface TableVerdict {
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly content: 'equal' | 'different' | 'not compared';
  /** Row differences found (all of them for bisected chunks); samples carry the rows' text. */
  readonly differences: readonly RowDifference[];
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
/** Without an integer key, row-level comparison reads every row's key and hash; above this only the verdict is given. */
const maxRowsForKeyComparison = 2_000_000;

function sameDigests(a: ReadonlyMap<string, Digest>, b: ReadonlyMap<string, Digest>): string[] {
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
  for (const [key, value] of source) {
    const other = target.get(key);
    if (other === undefined) out.push({ kind: 'missing', key });
    else if (other !== value) {
      const count = (v: string) => Number(v.split('×')[1]);
      out.push({ kind: keyless ? (count(value) > count(other) ? 'missing' : 'extra') : 'different', key });
    }
  }
  for (const key of target.keys()) if (!source.has(key)) out.push({ kind: 'extra', key });
  return out;
}

/** The source's smallest and largest key, when the primary key is one integer column (the key copy splits chunks on). */
async function keyRange(source: Session, shape: TableShape): Promise<{ min: bigint; max: bigint } | null> {
  const key = await readChunkKey(source, shape.schema, shape.name);
  return key?.min != null && key.max != null ? { min: BigInt(key.min), max: BigInt(key.max) } : null;
}

/** A key range [from, to) of a big table checked on its own, so several jobs share one table; null bounds are open. */
export interface KeyPart {
  readonly from: bigint | null;
  readonly to: bigint | null;
  /** The keys the source holds in this part, which the chunks divide. */
  readonly first: bigint;
  readonly span: bigint;
}

/** Splits a table's key range into `parts`; the first and last are open so a key outside the source's range is still seen. */
export async function splitKeyRange(source: Session, shape: TableShape, parts: number): Promise<KeyPart[] | null> {
  const range = await keyRange(source, shape);
  if (!range || parts < 2) return null;
  const span = range.max - range.min + 1n;
  const bound = (i: number) => range.min + (span * BigInt(i)) / BigInt(parts);
  return Array.from({ length: parts }, (_, i) => ({
    from: i === 0 ? null : bound(i),
    to: i === parts - 1 ? null : bound(i + 1),
    first: bound(i),
    span: bound(i + 1) - bound(i),
  }));
}

/** `part`: only that key range (its rows and differences); the caller adds the parts up with mergeVerdicts. */
export async function verifyTable(source: Session, target: Session, shape: TableShape, options: TableCheckOptions, part?: KeyPart): Promise<TableVerdict> {
  const started = Date.now();
  const table = `${shape.schema}.${shape.name}`;
  if (options.countsOnly) {
    const leaf = { schema: shape.schema, name: shape.name, kind: 'table' as const };
    const [sourceRows, targetRows] = await Promise.all([countRows(source, leaf), countRows(target, leaf)]);
    return { table, sourceRows, targetRows, content: 'not compared', differences: [], ms: Date.now() - started };
  }
  const range = part ? { min: part.first, max: part.first + part.span - 1n } : await keyRange(source, shape);
  // At most about 256 chunks, each at least 1,000 keys wide.
  const width = range ? (range.max - range.min) / 256n + 1n : 0n;
  const chunks: KeyChunks | undefined = range ? { min: range.min, width: width < 1000n ? 1000n : width } : undefined;
  const within = part ? { from: part.from, to: part.to } : undefined;
  const digestOptions = { chunks, within, samplePercent: options.samplePercent };
  const [a, b] = await Promise.all([readDigests(source, shape, digestOptions), readDigests(target, shape, digestOptions)]);
  const differing = sameDigests(a, b);
  const verdict = { table, sourceRows: total(a), targetRows: total(b) };
  if (differing.length === 0) return { ...verdict, content: 'equal', differences: [], ms: Date.now() - started };

  const differences: RowDifference[] = [];
  if (chunks) {
    for (const chunk of differing.map(BigInt)) {
      const from = chunks.min + chunk * chunks.width;
      await bisect(source, target, shape, { from, to: from + chunks.width }, options, differences, Math.max(a.get(String(chunk))?.rows ?? 0, b.get(String(chunk))?.rows ?? 0));
      if (differences.length >= options.maxDiffs * 20) break;
    }
  } else if (Math.max(verdict.sourceRows, verdict.targetRows) <= maxRowsForKeyComparison) {
    const [x, y] = await Promise.all([readRowHashes(source, shape, undefined, options.samplePercent), readRowHashes(target, shape, undefined, options.samplePercent)]);
    differences.push(...rowDifferences(x, y, shape.key.length === 0));
  }
  return { ...verdict, content: 'different', differences: await withSamples(source, target, shape, differences, options.maxDiffs), ms: Date.now() - started };
}

async function bisect(
  source: Session,
  target: Session,
  shape: TableShape,
  within: { from: bigint; to: bigint },
  options: TableCheckOptions,
  out: RowDifference[],
  rows: number,
): Promise<void> {
  const width = within.to - within.from;
  if (rows <= rowsPerLeaf || width <= 16n) {
    const [x, y] = await Promise.all([readRowHashes(source, shape, within, options.samplePercent), readRowHashes(target, shape, within, options.samplePercent)]);
    out.push(...rowDifferences(x, y, false));
    return;
  }
  const chunks = { min: within.from, width: (width + 15n) / 16n };
  const [a, b] = await Promise.all([
    readDigests(source, shape, { chunks, within, samplePercent: options.samplePercent }),
    readDigests(target, shape, { chunks, within, samplePercent: options.samplePercent }),
  ]);
  for (const chunk of sameDigests(a, b).map(BigInt)) {
    const from = chunks.min + chunk * chunks.width;
    const next = { from, to: from + chunks.width < within.to ? from + chunks.width : within.to };
    await bisect(source, target, shape, next, options, out, Math.max(a.get(String(chunk))?.rows ?? 0, b.get(String(chunk))?.rows ?? 0));
  }
}

/** The first `maxDiffs` differences, with both sides' rows as text. */
async function withSamples(source: Session, target: Session, shape: TableShape, differences: RowDifference[], maxDiffs: number): Promise<RowDifference[]> {
  const shown = differences.slice(0, maxDiffs);
  const keys = shown.map((d) => d.key);
  const [x, y] = await Promise.all([readRowTexts(source, shape, keys), readRowTexts(target, shape, keys)]);
  return [...shown.map((d) => ({ ...d, source: x.get(d.key), target: y.get(d.key) })), ...differences.slice(maxDiffs)];
}
