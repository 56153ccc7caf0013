/** A PostgreSQL source's snapshot and the readers that share it: what the copy asks of a PostgreSQL source. */
import type { QualifiedName } from '../../model/schema-model.js';
import type { SourceReader, SourceSnapshot } from '../endpoint.js';
import { closeSession } from './close-session.js';
import { pinCopySession } from './copy-session.js';
import { readLargeObjectRange } from './large-object-copy.js';
import { readChunkKey } from './queries/chunk-key.js';
import { listLargeObjectSizes } from './queries/large-objects.js';
import { readTableChangeCounters } from './queries/table-change-counters.js';
import type { Session } from './run-query.js';
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
    release: async () => {
      await leader.client.query('COMMIT').catch(() => undefined);
      await release();
    },
  };
}

/** `session` joins the snapshot; closing the reader drops the session at once (it may sit in COPY OUT). */
export async function openSourceReader(session: Session, snapshotId: string, release: () => Promise<void>): Promise<SourceReader> {
  try {
    await pinCopySession(session);
    await joinSnapshot(session, snapshotId);
  } catch (error) {
    await release();
    throw markIfConnectionLoss(error);
  }
  return {
    readRows: (table, range, options) => openTableRows(session, table, range, options),
    readLargeObjects: (range) => readLargeObjectRange(session, range),
    close: async () => {
      closeSession(session);
      await release();
    },
  };
}
