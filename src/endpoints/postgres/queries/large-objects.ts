/**
 * Catalog and data queries on large objects. Their sizes and data are read with lo_open / lo_get, which need only
 * SELECT on each object (pg_largeobject itself is closed to all but superusers).
 */
import type { Grant } from '../../../model/schema-model.js';
import type { LargeObjectMetadata, LargeObjectSize, LargeObjectState, OidRange } from '../../../model/large-objects.js';
import { runQuery, type Session } from '../run-query.js';
import { grantsJson } from '../sql.js';

/** lo_open's read-only mode (INV_READ): allowed in a read-only transaction, reads as of the transaction's snapshot. */
const readMode = 0x40000;
/** The piece a digest hashes at a time: the same on both servers, so equal data digests alike. */
const digestPieceBytes = 1024 * 1024;

/** SQL condition on `oid` for a range given as parameters $1 (from) and $2 (to), either null. */
const inRange = (oid: string) => `($1::oid IS NULL OR ${oid} >= $1::oid) AND ($2::oid IS NULL OR ${oid} < $2::oid)`;

/**
 * SQL: every large object in the range (oid, lomowner, lomacl) with its size (bytes), each descriptor closed again
 * (a snapshot transaction would otherwise keep one open per object). The OFFSET 0 fences keep each lo_open
 * evaluated once, before its lo_close; join nothing to it (a nested loop would evaluate it again).
 */
const sizesInRange = `
  SELECT s.oid, s.lomowner, s.lomacl, s.bytes FROM (
    SELECT m.oid, m.lomowner, m.lomacl, o.fd, lo_lseek64(o.fd, 0, 2) AS bytes
      FROM pg_largeobject_metadata m
      CROSS JOIN LATERAL (SELECT lo_open(m.oid, ${readMode}) AS fd OFFSET 0) o
     WHERE ${inRange('m.oid')}
    OFFSET 0) s
   WHERE lo_close(s.fd) = 0`;

function rangeParams(range: OidRange | undefined): [number | null, number | null] {
  return [range?.from ?? null, range?.to ?? null];
}

/** Every large object's OID and size in the range (all when absent), by OID. */
export async function listLargeObjectSizes(session: Session, range?: OidRange): Promise<LargeObjectSize[]> {
  const rows = await runQuery<{ oid: string; bytes: string }>(
    session,
    'the sizes of large objects',
    `SELECT oid::text AS oid, bytes::text AS bytes FROM (${sizesInRange}) sizes ORDER BY sizes.oid`,
    rangeParams(range),
  );
  return rows.map((r) => ({ oid: Number(r.oid), bytes: Number(r.bytes) }));
}

/** The whole data of each object, in the order given; for small objects only (a bytea holds at most 1 GB). */
export async function readWholeLargeObjects(session: Session, oids: readonly number[]): Promise<Array<{ oid: number; data: Buffer }>> {
  const rows = await runQuery<{ oid: string; data: Buffer }>(
    session,
    'the data of large objects',
    `SELECT u.oid::text AS oid, lo_get(u.oid) AS data FROM unnest($1::oid[]) WITH ORDINALITY AS u(oid, n) ORDER BY u.n`,
    [oids],
  );
  return rows.map((r) => ({ oid: Number(r.oid), data: r.data }));
}

/** `length` bytes of one object from `offset` (fewer at its end). */
export async function readLargeObjectPiece(session: Session, oid: number, offset: number, length: number): Promise<Buffer> {
  const [row] = await runQuery<{ data: Buffer }>(session, `large object ${oid}`, 'SELECT lo_get($1::oid, $2::bigint, $3::int) AS data', [oid, offset, length]);
  return row!.data;
}

const metadataColumns = `m.oid::text AS oid, pg_get_userbyid(m.lomowner) AS owner, ${grantsJson('m.lomacl', 'm.lomowner')} AS grants,
            obj_description(m.oid, 'pg_largeobject') AS comment`;

interface MetadataRow {
  oid: string;
  owner: string;
  grants: Grant[] | null;
  comment: string | null;
}

function metadataOf(row: MetadataRow): LargeObjectMetadata {
  return { oid: Number(row.oid), owner: row.owner, grants: row.grants, comment: row.comment };
}

/** Owner, grants and comment of every large object, by OID. */
export async function readLargeObjectMetadata(session: Session): Promise<LargeObjectMetadata[]> {
  const rows = await runQuery<MetadataRow>(session, 'large objects\' owners, grants and comments', `SELECT ${metadataColumns} FROM pg_largeobject_metadata m ORDER BY m.oid`);
  return rows.map(metadataOf);
}

/** How many large objects the database holds (pg_largeobject_metadata is readable by everyone). */
export async function countLargeObjects(session: Session): Promise<number> {
  const [row] = await runQuery<{ count: string }>(session, 'the number of large objects', 'SELECT count(*)::text AS count FROM pg_largeobject_metadata');
  return Number(row!.count);
}

/** Each large object's metadata, size and a SHA-256 over the SHA-256 of each 1 MB piece of its data, computed here. */
export async function readLargeObjectStates(session: Session): Promise<LargeObjectState[]> {
  const rows = await runQuery<MetadataRow & { bytes: string; digest: string }>(
    session,
    'large objects\' digests',
    `SELECT ${metadataColumns}, m.bytes::text AS bytes,
            (SELECT encode(sha256(string_agg(sha256(lo_get(m.oid, piece, ${digestPieceBytes})), ''::bytea ORDER BY piece)), 'hex')
               FROM generate_series(0::bigint, greatest(m.bytes - 1, 0), ${digestPieceBytes}) AS piece) AS digest
       FROM (${sizesInRange}) m
      ORDER BY m.oid`,
    rangeParams(undefined),
  );
  return rows.map((r) => ({ ...metadataOf(r), bytes: Number(r.bytes), digest: r.digest }));
}

/** Roles that own a large object or hold a grant on one: the run must create or map them too. */
export async function listLargeObjectRoles(session: Session): Promise<string[]> {
  const rows = await runQuery<{ name: string }>(
    session,
    'roles of large objects',
    `SELECT DISTINCT pg_get_userbyid(role) AS name FROM (
       SELECT lomowner AS role FROM pg_largeobject_metadata
       UNION SELECT (aclexplode(lomacl)).grantee FROM pg_largeobject_metadata WHERE lomacl IS NOT NULL) r
      WHERE role <> 0 ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Total bytes of all large objects; null when the connected role may not read some of them. */
export async function sumLargeObjectBytes(session: Session): Promise<number | null> {
  try {
    const [row] = await runQuery<{ bytes: string }>(session, 'the size of large objects', `SELECT coalesce(sum(bytes), 0)::text AS bytes FROM (${sizesInRange}) sizes`, rangeParams(undefined));
    return Number(row!.bytes);
  } catch (error) {
    if ((error as { code?: string }).code === 'PERMISSION_DENIED') return null;
    throw error;
  }
}
