/**
 * One consistent view of the source for every parallel reader: a leader exports its snapshot and keeps its
 * transaction open; each worker imports it (SET TRANSACTION SNAPSHOT) and so sees exactly the same rows.
 */
import { PgferryError } from '../../errors/pgferry-error.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

/** Opens a repeatable-read, read-only transaction on `leader` and returns its snapshot id. Keep `leader` open while workers read. */
export async function exportSnapshot(leader: Session): Promise<string> {
  await runQuery(leader, 'a snapshot transaction', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const [row] = await runQuery<{ snapshot: string }>(leader, 'an exported snapshot', 'SELECT pg_export_snapshot() AS snapshot');
  return row!.snapshot;
}

/** Starts a read-only transaction on `worker` that sees the leader's snapshot. */
export async function joinSnapshot(worker: Session, snapshot: string): Promise<void> {
  await runQuery(worker, 'a snapshot transaction', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // SET TRANSACTION SNAPSHOT takes no bind parameters; the id comes from pg_export_snapshot, quoted as a literal.
  try {
    await runQuery(worker, 'the shared snapshot', `SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  } catch (error) {
    // 22023 "invalid snapshot identifier": the leader session that exported it is gone (terminated, network).
    if (serverErrorFields(error).sqlState !== '22023') throw error;
    throw new PgferryError('CONNECTION_LOST', `${worker.label}: the run's snapshot is gone: the session that held it was closed (${(error as Error).message})`, {
      hint: 'Run the same command again: finished tables and chunks are kept, the rest is copied from a new snapshot.',
      cause: error,
    });
  }
}
