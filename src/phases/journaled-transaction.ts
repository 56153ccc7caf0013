/**
 * One journaled step run as one target transaction, whose outcome survives a kill between COMMIT and the journal
 * write: the transaction id is journaled before COMMIT, and a resumed run asks the target whether that
 * transaction committed instead of running the step again into "already exists".
 */
import type { TargetSession, TargetTransaction } from '../endpoints/endpoint.js';
import { PgferryError } from '../errors/pgferry-error.js';
import { statementsPerTransaction } from '../model/ddl/statements-per-transaction.js';
import { shownReason, shownStatement } from '../model/ddl/shown-statement.js';
import type { Journal } from '../run/journal.js';
import { runJournaledStep } from './journaled-step.js';

/** How long a resumed run waits for the interrupted run's transaction to end on the server. */
const settleMs = 30_000;

async function settledStatus(target: TargetSession, xid: string): Promise<'committed' | 'aborted' | null> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const status = await target.transactionOutcome(xid);
    if (status !== 'in progress') return status;
    if (Date.now() > deadline) {
      throw new PgferryError('STEP_IN_DOUBT', `transaction ${xid} of an interrupted run is still open on ${target.label} after ${settleMs / 1000} s`, {
        hint: `The interrupted run's session is still connected. End it (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_xid = '${xid}') and run the same command again.`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export type JournaledOutcome = 'skipped' | 'committed-earlier' | 'ran';

/**
 * Runs `work` in one transaction on `target` unless the journal says the step is done, or an earlier attempt's
 * transaction turns out to have committed. A failure rolls it back.
 */
export async function runJournaledTransaction(
  journal: Journal,
  target: TargetSession,
  step: { readonly id: string; readonly phase: string },
  work: (tx: TargetTransaction) => Promise<void>,
): Promise<JournaledOutcome> {
  const xidKey = `xid:${step.id}`;
  let outcome: JournaledOutcome = 'ran';
  const ran = await runJournaledStep(journal, step, async (redo) => {
    const earlierXid = redo ? journal.value<string>(xidKey) : undefined;
    if (earlierXid && (await settledStatus(target, earlierXid)) === 'committed') {
      outcome = 'committed-earlier';
      return;
    }
    await target.inTransaction(work, (xid) => journal.setValue(xidKey, xid));
  });
  return ran === 'skipped' ? 'skipped' : outcome;
}

/** Pure: statements cut into journaled steps of one transaction each ("schema:pre#1" …). */
export function batchStatements(idPrefix: string, statements: readonly string[]): Array<{ readonly id: string; readonly statements: readonly string[] }> {
  const batches: Array<{ id: string; statements: readonly string[] }> = [];
  for (let at = 0; at < statements.length; at += statementsPerTransaction) {
    batches.push({ id: `${idPrefix}#${batches.length + 1}`, statements: statements.slice(at, at + statementsPerTransaction) });
  }
  return batches;
}

/**
 * Applies DDL in journaled batches: a refused statement rolls back its batch, earlier batches stay committed, and
 * the same command continues from the refused batch.
 */
export async function applyJournaledBatches(journal: Journal, target: TargetSession, phase: string, idPrefix: string, statements: readonly string[]): Promise<void> {
  for (const batch of batchStatements(idPrefix, statements)) {
    await runJournaledTransaction(journal, target, { id: batch.id, phase }, async (tx) => {
      await tx.deferFunctionBodyChecks();
      for (const statement of batch.statements) {
        try {
          await tx.execute(statement);
        } catch (error) {
          throw schemaFailed(target, batch.id, statement, error);
        }
      }
    });
  }
}

/** A schema statement the target refused in a journaled batch: the run stops, resumable from that batch. */
export function schemaFailed(target: { readonly label: string }, batchId: string, statement: string, error: unknown): PgferryError {
  const server = error instanceof PgferryError ? error.server : undefined;
  return new PgferryError('SCHEMA_FAILED', `${target.label} refused a schema statement: ${shownReason(statement, (error as Error).message)}`, {
    hint: `${server?.hint ? `The server says: ${server.hint}\n` : ''}Nothing of this batch (${batchId}) was committed; fix the cause on the target and run the same command again: it continues from this batch. The statement was:\n${shownStatement(statement)}`,
    cause: error,
    ...(server ? { server } : {}),
  });
}
