/** One statement (or a few) tried inside a transaction without risking the transaction: the savepoint pattern, once. */
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

/**
 * Runs `work` under a savepoint. Resolves to undefined when it succeeded, or to the server's error when the server
 * refused it — rolled back to the savepoint, so the transaction goes on. Anything else (a lost connection) is thrown.
 */
export async function trySavepoint(session: Session, work: () => Promise<unknown>): Promise<Error | undefined> {
  await runQuery(session, 'a savepoint', 'SAVEPOINT pgferry_try');
  try {
    await work();
    await runQuery(session, 'the savepoint', 'RELEASE SAVEPOINT pgferry_try');
    return undefined;
  } catch (error) {
    if (!serverErrorFields(error).sqlState) throw error;
    await runQuery(session, 'the savepoint', 'ROLLBACK TO SAVEPOINT pgferry_try');
    await runQuery(session, 'the savepoint', 'RELEASE SAVEPOINT pgferry_try');
    return error as Error;
  }
}
