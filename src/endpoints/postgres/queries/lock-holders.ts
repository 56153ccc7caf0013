/** Who else holds a lock on a table: the sessions a copy waits for. */
import { runQuery, type Session } from '../run-query.js';

export interface LockHolder {
  readonly pid: number;
  readonly user: string | null;
  readonly application: string | null;
  readonly state: string | null;
  readonly query: string | null;
}

/** `table` is already quoted and qualified. */
export async function readLockHolders(session: Session, table: string): Promise<LockHolder[]> {
  return runQuery<LockHolder>(
    session,
    `the sessions holding a lock on ${table}`,
    `SELECT a.pid, a.usename AS "user", a.application_name AS application, a.state, left(a.query, 120) AS query
       FROM pg_catalog.pg_stat_activity a
      WHERE a.pid IN (SELECT l.pid FROM pg_catalog.pg_locks l
                       WHERE l.relation = $1::pg_catalog.regclass AND l.granted AND l.pid <> pg_catalog.pg_backend_pid())
      ORDER BY a.pid`,
    [table],
  );
}
