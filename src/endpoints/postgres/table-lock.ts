/**
 * Takes a table lock inside the caller's transaction with a bounded wait: after a short wait the caller hears
 * who holds the table (so a person sees why nothing moves), and after the full bound the copy stops with
 * TABLE_LOCKED instead of waiting for ever.
 */
import { PgferryError } from '../../errors/pgferry-error.js';
import { readLockHolders, type LockHolder } from './queries/lock-holders.js';
import { runQuery, type Session } from './run-query.js';
import { trySavepoint } from './savepoint.js';
import { serverErrorFields } from './server-error.js';

export type LockMode = 'ACCESS SHARE' | 'ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

export interface LockWait {
  /** The whole bound on the wait, in milliseconds. */
  readonly maxMs: number;
  /** Called once when the lock is not granted within the first second. */
  readonly onWait?: (message: string) => void;
}

const noticeAfterMs = 1000;

function describeHolders(holders: readonly LockHolder[]): string {
  if (holders.length === 0) return 'another session (it may have let go already)';
  return holders.map((h) => `pid ${h.pid} (user ${h.user ?? '?'}, ${h.application || 'no application name'}, ${h.state ?? '?'}: ${h.query ?? ''})`).join('; ');
}

/** Whether the lock came within `ms`; an error other than a lock timeout is thrown. */
async function tryLock(session: Session, table: string, mode: LockMode, ms: number): Promise<boolean> {
  const refused = await trySavepoint(session, async () => {
    await runQuery(session, 'a lock timeout', `SELECT pg_catalog.set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(ms))}ms`]);
    await runQuery(session, `a lock on ${table}`, `LOCK TABLE ONLY ${table} IN ${mode} MODE`);
    await runQuery(session, 'no lock timeout', `SELECT pg_catalog.set_config('lock_timeout', '0', true)`);
  });
  if (refused && serverErrorFields(refused).sqlState !== '55P03') throw refused;
  return refused === undefined;
}

/** `session` must be inside a transaction; `table` is already quoted and qualified. */
export async function lockTable(session: Session, table: string, mode: LockMode, wait: LockWait): Promise<void> {
  const first = Math.min(noticeAfterMs, wait.maxMs);
  if (await tryLock(session, table, mode, first)) return;
  const holders = await readLockHolders(session, table);
  wait.onWait?.(`${session.label}: ${table} is locked by ${describeHolders(holders)}; waiting up to ${Math.round(wait.maxMs / 1000)}s`);
  if (wait.maxMs > first && (await tryLock(session, table, mode, wait.maxMs - first))) return;
  const still = await readLockHolders(session, table);
  throw new PgferryError('TABLE_LOCKED', `${session.label}: ${table} stayed locked by ${describeHolders(still)} for ${Math.round(wait.maxMs / 1000)}s`, {
    hint: 'Let that session finish (or end it with SELECT pg_terminate_backend(pid)), then run the same command again; finished tables are not copied twice.',
    server: { sqlState: '55P03' },
  });
}
