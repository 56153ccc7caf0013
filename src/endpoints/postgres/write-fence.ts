/**
 * The read-only fence of a cutover: the database's default_transaction_read_only turned on, then every other session
 * on it ended, so new transactions cannot write and none that began before keeps writing. A session that sets
 * default_transaction_read_only off itself, or begins READ WRITE, is not stopped: docs/CUTOVER.md says so.
 */
import { quoteIdent, quoteLiteral } from './sql.js';
import { runQuery, type Session } from './run-query.js';

import type { WriteFence } from '../endpoint.js';

export async function fenceWrites(session: Session, database: string): Promise<WriteFence> {
  await runQuery(session, 'fence: make the database read-only', `ALTER DATABASE ${quoteIdent(database)} SET default_transaction_read_only = on`);
  const others = await runQuery<{ pid: number; user: string; ended: boolean | null }>(
    session,
    'fence: end the sessions writing to the database',
    // Only sessions the server lets this user end are asked (a refusal would stop the statement): a superuser ends any;
    // others end those of roles they belong to or, with pg_signal_backend, any but a superuser's.
    `SELECT a.pid, a.usename AS user,
            CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                   OR (NOT coalesce((SELECT rolsuper FROM pg_roles r WHERE r.rolname = a.usename), false)
                       AND (pg_has_role(current_user, a.usename, 'member') OR pg_has_role(current_user, 'pg_signal_backend', 'member')))
                 THEN pg_terminate_backend(a.pid) END AS ended
       FROM pg_stat_activity a
      WHERE a.datname = ${quoteLiteral(database)} AND a.pid <> pg_backend_pid() AND a.usename IS NOT NULL
        -- another role's backend_type is hidden (NULL) from a user without pg_read_all_stats
        AND coalesce(a.backend_type, 'client backend') = 'client backend'`,
  );
  return {
    sessionsEnded: others.filter((s) => s.ended === true).length,
    sessionsLeft: others.filter((s) => s.ended !== true).map((s) => ({ pid: s.pid, user: s.user })),
  };
}

export async function liftWriteFence(session: Session, database: string): Promise<void> {
  // This session started under the fence: its own transactions are read-only until it says otherwise.
  await runQuery(session, 'lift the fence: a writable session', 'SET default_transaction_read_only = off');
  await runQuery(session, 'lift the fence: make the database writable again', `ALTER DATABASE ${quoteIdent(database)} RESET default_transaction_read_only`);
}
