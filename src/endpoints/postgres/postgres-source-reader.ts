/** A PostgreSQL source's snapshot and the readers that share it: what the copy asks of a PostgreSQL source. */
import { countRows } from './queries/table-facts.js';
import type { QualifiedName } from '../../model/schema-model.js';
import type { SourceReader, SourceSnapshot } from '../endpoint.js';
import { closeSession } from './close-session.js';
import { pinCopySession } from './copy-session.js';
import { readLargeObjectRange } from './large-object-copy.js';
import { readChunkKey } from './queries/chunk-key.js';
import { listLargeObjectSizes, readLargeObjectMetadata } from './queries/large-objects.js';
import { readTableChangeCounters } from './queries/table-change-counters.js';
import { runQuery, type Session } from './run-query.js';
import { exportSnapshot, joinSnapshot } from './snapshot.js';
import { markIfConnectionLoss, openTableRows } from './table-read.js';

/** `leader` becomes the snapshot's holder: its transaction stays open until release. */
export async function openSourceSnapshot(leader: Session, release: () => Promise<void>): Promise<SourceSnapshot> {
  await pinCopySession(leader);
  const id = await exportSnapshot(leader);
  return {
    id,
    chunkKey: (table: QualifiedName) => readChunkKey(leader, table.schema, table.name),
    changeCounters: () => readTableChangeCounters(leader),
    largeObjectSizes: () => listLargeObjectSizes(leader),
    largeObjectMetadata: () => readLargeObjectMetadata(leader),
    release: async () => {
      await leader.client.query('COMMIT').catch(() => undefined);
      await release();
    },
  };
}

/**
 * `session` reads in the snapshot, one read transaction per read (ended by endRead: a transaction that read every
 * table would keep a lock on each until it ended, and thousands of tables fill the lock table, pg_dump's "out of
 * shared memory"); closing the reader drops the session at once (it may sit in COPY OUT).
 */
export async function openSourceReader(session: Session, snapshotId: string, release: () => Promise<void>): Promise<SourceReader> {
  try {
    await pinCopySession(session);
  } catch (error) {
    await release();
    throw markIfConnectionLoss(error);
  }
  const beginRead = async () => {
    try {
      await joinSnapshot(session, snapshotId);
    } catch (error) {
      throw markIfConnectionLoss(error);
    }
  };
  return {
    readRows: async (table, range, options) => {
      await beginRead();
      return openTableRows(session, table, range, options);
    },
    readLargeObjects: (range) =>
      (async function* () {
        await beginRead();
        yield* readLargeObjectRange(session, range);
      })(),
    countRows: async (table) => {
      await beginRead();
      return countRows(session, { ...table, kind: 'table' });
    },
    endRead: async () => void (await runQuery(session, 'the end of a read transaction', 'COMMIT')),
    close: async () => {
      closeSession(session);
      await release();
    },
  };
}
