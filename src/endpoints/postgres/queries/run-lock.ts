/** The target-wide lock a migrate run holds for its whole duration, so a second run into the same database refuses. */
import { runQuery, type Session } from '../run-query.js';

/** Advisory lock keys (two int4): "pgfr" and 1 for migrate. Advisory locks are per database. */
const runLockKeys = [0x70676672, 1] as const;

/**
 * Opens a transaction that stays open for the run and takes a transaction-scoped advisory lock in it: released
 * when the run ends or its process dies, and, unlike a session lock, never left behind on a pooled server
 * connection. The transaction takes no snapshot or xid, so it does not hold back vacuum; every session's baseline
 * lifts idle_in_transaction_session_timeout and transaction_timeout, so the server does not end it.
 */
export async function tryRunLock(session: Session): Promise<boolean> {
  await runQuery(session, 'the run lock transaction', 'BEGIN');
  const [row] = await runQuery<{ locked: boolean }>(session, 'the run lock', 'SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [...runLockKeys]);
  if (!row!.locked) await runQuery(session, 'the run lock transaction', 'ROLLBACK');
  return row!.locked;
}

/** Who holds the run lock on this database: backend pid, client address and since when (null when unknown or gone). */
export async function readRunLockHolder(session: Session): Promise<{ pid: number; client: string | null; since: string | null } | null> {
  const [row] = await runQuery<{ pid: number; client: string | null; since: string | null }>(
    session,
    'the holder of the run lock',
    `SELECT l.pid, host(a.client_addr) AS client, to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS since
       FROM pg_locks l
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [...runLockKeys],
  );
  return row ?? null;
}
