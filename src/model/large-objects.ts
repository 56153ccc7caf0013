/**
 * Large objects: PostgreSQL's blobs, addressed by an OID that tables store in `oid` columns, so each one keeps its
 * OID on the target. The load copies them in OID ranges (steps of their own); verify compares them object by object.
 */
import type { Grant } from './schema-model.js';

/** A half-open range [from, to) of large-object OIDs; null bounds are open. */
export interface OidRange {
  readonly from: number | null;
  readonly to: number | null;
}

/** One load step's share of the large objects. */
export interface LargeObjectRange extends OidRange {
  /** Stable id recorded in the journal: "large-objects#2". */
  readonly id: string;
  /** What the plan saw in this range (the step copies whatever the snapshot holds in it). */
  readonly objects: number;
  readonly bytes: number;
}

export interface LargeObjectSize {
  readonly oid: number;
  readonly bytes: number;
}

/**
 * Data moving from source to target. A piece at offset 0 creates its object with that data (the whole of a small
 * object, or the first part of a big one); a piece at a later offset is written into an object created before it.
 */
export interface LargeObjectPiece {
  readonly oid: number;
  readonly offset: number;
  readonly data: Buffer;
}

/** What a large object carries besides its data. */
export interface LargeObjectMetadata {
  readonly oid: number;
  readonly owner: string;
  /** Null when the object has its default privileges (only the owner); the owner's own entries are left out. */
  readonly grants: readonly Grant[] | null;
  readonly comment: string | null;
}

/** Everything verify compares of one large object; the digest is computed by the server holding it. */
export interface LargeObjectState extends LargeObjectMetadata {
  readonly bytes: number;
  readonly digest: string;
}

/**
 * Pure: splits the objects (sorted by OID) into ranges of about `bytesPerRange` bytes and at most `objectsPerRange`
 * objects; the first and last ranges are open, so every OID belongs to one range. `bytesPerRange` 0 never splits.
 */
export function planLargeObjectRanges(sizes: readonly LargeObjectSize[], bytesPerRange: number, objectsPerRange: number): LargeObjectRange[] {
  if (sizes.length === 0) return [];
  const groups: LargeObjectSize[][] = [[]];
  let bytes = 0;
  for (const object of sizes) {
    const current = groups[groups.length - 1]!;
    const full = current.length >= objectsPerRange || (bytesPerRange > 0 && bytes >= bytesPerRange);
    if (current.length > 0 && full) {
      groups.push([object]);
      bytes = object.bytes;
    } else {
      current.push(object);
      bytes += object.bytes;
    }
  }
  return groups.map((group, i) => ({
    id: `large-objects#${i + 1}`,
    from: i === 0 ? null : group[0]!.oid,
    to: i === groups.length - 1 ? null : groups[i + 1]![0]!.oid,
    objects: group.length,
    bytes: group.reduce((n, o) => n + o.bytes, 0),
  }));
}

/** At most this many objects per range, so a range of many tiny objects is still a step of bounded length. */
export const objectsPerRange = 50_000;

/** Bytes per range: the plan's chunk size when given (0 never splits by size), else half of one job's share, at least 64 MB. */
export function largeObjectRangeBytes(sizes: readonly LargeObjectSize[], chunkSizeMb: number | undefined, jobs: number): number {
  if (chunkSizeMb !== undefined) return chunkSizeMb * 1024 * 1024;
  const total = sizes.reduce((n, o) => n + o.bytes, 0);
  return Math.max(64 * 1024 * 1024, Math.ceil(total / (jobs * 2)));
}
