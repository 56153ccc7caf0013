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

export async function rehearseStatements(session: Session, statements: readonly string[]): Promise<Rehearsal> {
  const refused: RefusedStatement[] = [];
  let tried = 0;
  let stoppedBecause: string | undefined;
  await runQuery(session, 'a rehearsal transaction', 'BEGIN');
  try {
    await runQuery(session, 'rehearsal settings', "SELECT pg_catalog.set_config('check_function_bodies', 'off', true), pg_catalog.set_config('lock_timeout', '10s', true)");
    for (const statement of statements) {
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
