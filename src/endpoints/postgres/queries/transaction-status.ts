/** The current transaction's id, and later whether it committed: how a step survives a kill between COMMIT and its journal entry. */
import { runQuery, type Session } from '../run-query.js';
import { serverErrorFields } from '../server-error.js';

/** Assigns (if needed) and returns the id of the session's open transaction, as text. */
export async function currentTransactionId(session: Session): Promise<string> {
  const [row] = await runQuery<{ xid: string }>(session, 'the transaction id', 'SELECT pg_catalog.txid_current()::text AS xid');
  return row!.xid;
}

/** 'committed', 'aborted', 'in progress', or null when the server no longer knows (the id is too old). */
export async function transactionStatus(session: Session, xid: string): Promise<'committed' | 'aborted' | 'in progress' | null> {
  try {
    const [row] = await runQuery<{ status: 'committed' | 'aborted' | 'in progress' | null }>(
      session,
      `the outcome of transaction ${xid}`,
      'SELECT pg_catalog.txid_status($1::bigint) AS status',
      [xid],
    );
    return row?.status ?? null;
  } catch (error) {
    // "transaction ID … is in the future": not this server's transaction (a target restored or recreated): unknown.
    if (serverErrorFields(error).sqlState === '22023') return null;
    throw error;
  }
}
