/**
 * Moves the large objects of one OID range from a source session (inside the run's snapshot) to a target session,
 * keeping each OID. Small objects travel many per round trip; a big one in pieces of 1 MB, so memory stays bounded
 * whatever its size. The target writes the range in one transaction that first removes every object of the range
 * it holds, so a retried or resumed range starts clean and a failed one leaves nothing half-written.
 */
import type { LargeObjectPiece, OidRange } from '../../model/large-objects.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { rollbackOrClose } from './close-session.js';
import { listLargeObjectSizes, readLargeObjectPiece, readWholeLargeObjects } from './queries/large-objects.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

/** Objects up to this size are read whole, and a batch of them holds about this much data; bigger ones go in pieces of it. */
const pieceBytes = 1024 * 1024;
/** Objects read and written per round trip at most (many empty or tiny objects). */
const objectsPerBatch = 1000;

/** The range's objects as `source` sees them, in batches: many small objects whole, or one piece of a big one. */
export async function* readLargeObjectRange(source: Session, range: OidRange): AsyncGenerator<LargeObjectPiece[]> {
  let batch: number[] = [];
  let batchBytes = 0;
  const takeBatch = async () => {
    const objects = await readWholeLargeObjects(source, batch);
    batch = [];
    batchBytes = 0;
    return objects.map(({ oid, data }) => ({ oid, offset: 0, data }));
  };
  for (const object of await listLargeObjectSizes(source, range)) {
    if (object.bytes > pieceBytes) {
      for (let offset = 0; offset < object.bytes; offset += pieceBytes) {
        yield [{ oid: object.oid, offset, data: await readLargeObjectPiece(source, object.oid, offset, pieceBytes) }];
      }
      continue;
    }
    if (batch.length >= objectsPerBatch || (batch.length > 0 && batchBytes + object.bytes > pieceBytes)) yield await takeBatch();
    batch.push(object.oid);
    batchBytes += object.bytes;
  }
  if (batch.length > 0) yield await takeBatch();
}

export interface LargeObjectWriteResult {
  readonly objects: number;
  readonly bytes: number;
}

/** `target` must be idle; `onProgress` gets the bytes written so far after each batch. */
export async function writeLargeObjectRange(
  target: Session,
  range: OidRange,
  batches: AsyncIterable<LargeObjectPiece[]>,
  onProgress?: (bytes: number) => void,
): Promise<LargeObjectWriteResult> {
  const label = `large objects ${range.from ?? 0}…${range.to ?? 'end'}`;
  // runQuery words its failures as reads; a refused write says so, and that nothing of the range was committed.
  const write = (what: string, sql: string, params: unknown[] = []) =>
    runQuery(target, what, sql, params).catch((error: unknown) => {
      if (error instanceof PgferryError && error.code === 'CONNECTION_LOST') throw error;
      const cause = (error as { cause?: unknown }).cause ?? error;
      throw new PgferryError('COPY_FAILED', `${target.label}: writing ${what} failed on the target: ${(cause as Error).message}`, {
        hint: 'Nothing of this range was committed on the target; fix the cause and run the same command again (finished ranges are not copied twice).',
        cause,
        server: serverErrorFields(cause),
      });
    });
  let objects = 0;
  let bytes = 0;
  try {
    await write(`a load transaction for ${label}`, 'BEGIN');
    await write(
      `a clean range of ${label}`,
      `SELECT count(lo_unlink(m.oid)) FROM pg_largeobject_metadata m
        WHERE ($1::oid IS NULL OR m.oid >= $1::oid) AND ($2::oid IS NULL OR m.oid < $2::oid)`,
      [range.from, range.to],
    );
    for await (const batch of batches) {
      const created = batch.filter((p) => p.offset === 0);
      if (created.length > 0) {
        await write(
          label,
          'SELECT count(lo_from_bytea(u.oid, u.data)) FROM unnest($1::oid[], $2::bytea[]) AS u(oid, data)',
          [created.map((p) => p.oid), created.map((p) => p.data)],
        );
      }
      for (const piece of batch.filter((p) => p.offset > 0)) {
        await write(`large object ${piece.oid}`, 'SELECT lo_put($1::oid, $2::bigint, $3::bytea)', [piece.oid, piece.offset, piece.data]);
      }
      objects += created.length;
      bytes += batch.reduce((n, p) => n + p.data.length, 0);
      onProgress?.(bytes);
    }
    await write(`the commit of ${label}`, 'COMMIT');
    return { objects, bytes };
  } catch (error) {
    await rollbackOrClose(target);
    throw error;
  }
}
