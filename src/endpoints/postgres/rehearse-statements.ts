/**
 * Runs DDL on the target inside a transaction that is always rolled back, each statement under its own savepoint,
 * so preflight learns every statement the target would refuse without changing anything.
 */
import type { RefusedStatement, Rehearsal } from '../../model/rehearsal.js';
import { runQuery, type Session } from './run-query.js';
import { trySavepoint } from './savepoint.js';
import { serverErrorFields } from './server-error.js';

/** SQLSTATE class 53: out of memory, disk or locks; every later statement would fail the same way. */
const resourceExhausted = /^53/;

/** How often (in statements) the rehearsal counts the locks it holds. */
const lockCheckEvery = 25;

/**
 * The locks the rehearsal may hold: half of the server's shared lock table (max_locks_per_transaction slots per
 * connection), so the target's other sessions never find it full while the rehearsal runs.
 */
async function lockBudget(session: Session): Promise<number> {
  const [row] = await runQuery<{ budget: number }>(
    session,
    'the size of the lock table',
    `SELECT (current_setting('max_locks_per_transaction')::int * current_setting('max_connections')::int / 2)::int AS budget`,
  );
  return row!.budget;
}

async function locksHeld(session: Session): Promise<number> {
  const [row] = await runQuery<{ n: number }>(session, 'the locks the rehearsal holds', 'SELECT count(*)::int AS n FROM pg_catalog.pg_locks WHERE pid = pg_backend_pid()');
  return row!.n;
}

export async function rehearseStatements(session: Session, statements: readonly string[]): Promise<Rehearsal> {
  const refused: RefusedStatement[] = [];
  let tried = 0;
  let stoppedBecause: string | undefined;
  const budget = await lockBudget(session);
  await runQuery(session, 'a rehearsal transaction', 'BEGIN');
  try {
    await runQuery(session, 'rehearsal settings', "SELECT pg_catalog.set_config('check_function_bodies', 'off', true), pg_catalog.set_config('lock_timeout', '10s', true)");
    for (const statement of statements) {
      // A rolled-back transaction keeps a lock on every object it created: stop before it fills the lock table.
      if (tried > 0 && tried % lockCheckEvery === 0) {
        const held = await locksHeld(session);
        if (held >= budget) {
          stoppedBecause = `the rehearsal holds ${held} locks, half of the target's lock table (max_locks_per_transaction × max_connections), and stopped so that other sessions still find room`;
          break;
        }
      }
      tried += 1;
      const refusal = await trySavepoint(session, () => session.client.query(statement));
      if (!refusal) continue;
      const server = serverErrorFields(refusal);
      if (resourceExhausted.test(server.sqlState ?? '')) {
        stoppedBecause = refusal.message;
        break;
      }
      refused.push({ statement, message: refusal.message, sqlState: server.sqlState, serverHint: server.hint });
    }
  } finally {
    await session.client.query('ROLLBACK').catch(() => undefined);
  }
  return { tried, refused, stoppedBecause };
}
