/** A PostgreSQL target session as the phases see it: loads, statements, probes, journaled transactions, provisioning. */
import { PgferryError } from '../../errors/pgferry-error.js';
import type { TargetSession, TargetTransaction } from '../endpoint.js';
import { rollbackOrClose } from './close-session.js';
import { dropServerObjectsAfterSchemas, dropServerObjectsBeforeSchemas } from './drop-server-objects.js';
import { writeLargeObjectRange } from './large-object-copy.js';
import { isNotExtensionMember, isUserSchema, quoteIdent } from './sql.js';
import { setSequenceValues } from './queries/sequence-values.js';
import { listAvailableExtensions } from './queries/target-facts.js';
import { currentTransactionId, transactionStatus } from './queries/transaction-status.js';
import { runQuery, type Session } from './run-query.js';
import { refusedSilently, runRefusable } from './run-refusable.js';
import { trySavepoint } from './savepoint.js';
import { serverErrorFields } from './server-error.js';
import { loadTable } from './table-load.js';
import { probeQuery } from './target-probes.js';

/** Runs a statement; a refusal becomes a PgferryError carrying the server's own message and fields. */
async function execute(session: Session, statement: string): Promise<void> {
  try {
    await session.client.query(statement);
  } catch (error) {
    const server = serverErrorFields(error);
    throw new PgferryError(server.sqlState ? 'QUERY_FAILED' : 'CONNECTION_LOST', (error as Error).message, {
      hint: server.hint ?? 'See the server error.',
      cause: error,
      server,
    });
  }
}

/** `close` releases the session from its endpoint. */
export function postgresTargetSession(session: Session, close: () => Promise<void>): TargetSession {
  const tx: TargetTransaction = {
    execute: (statement) => execute(session, statement),
    // A GRANT the server only warns about is refused like any other: rolled back to the savepoint, and named.
    attempt: (statements) =>
      trySavepoint(session, async () => {
        const silent = await refusedSilently(session, async () => {
          for (const statement of statements) await session.client.query(statement);
        });
        if (silent) throw silent;
      }),
    deferFunctionBodyChecks: async () => void (await runQuery(session, 'check_function_bodies', 'SET LOCAL check_function_bodies = off')),
  };
  return {
    label: session.label,
    loadTable: (open, request) => loadTable(session, open, request),
    execute: (statement) => execute(session, statement),
    executeRefusable: (statement) => runRefusable(session, statement),
    // Several statements in one simple query run as one implicit transaction: all or none.
    executeAll: async (statements) => {
      const silent = await refusedSilently(session, () => execute(session, statements.join(';\n')));
      if (silent) throw new PgferryError('QUERY_FAILED', silent.message, { hint: 'The target warned that a GRANT or REVOKE changed nothing.', cause: silent, server: serverErrorFields(silent) });
    },
    databaseName: async () => {
      const [row] = await runQuery<{ database: string }>(session, 'the target database name', 'SELECT current_database() AS database');
      return row!.database;
    },
    holds: async (probe) => {
      const [row] = await runQuery<{ done: boolean }>(session, `whether ${probe.kind} ${'name' in probe ? probe.name : ''} is on the target`, probeQuery(probe));
      return row?.done === true;
    },
    inTransaction: async (work, beforeCommit) => {
      await runQuery(session, 'a transaction', 'BEGIN');
      try {
        await work(tx);
        if (beforeCommit) beforeCommit(await currentTransactionId(session));
        await runQuery(session, 'the commit', 'COMMIT');
      } catch (error) {
        await rollbackOrClose(session);
        throw error;
      }
    },
    transactionOutcome: (id) => transactionStatus(session, id),
    dropUserSchemas: async () => {
      await dropServerObjectsBeforeSchemas(session);
      const schemas = await runQuery<{ name: string }>(
        session,
        'schemas to drop',
        `SELECT nspname AS name FROM pg_namespace n WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_namespace', 'n.oid')} ORDER BY 1`,
      );
      for (const { name } of schemas) await runQuery(session, `dropping schema ${name}`, `DROP SCHEMA ${quoteIdent(name)} CASCADE`);
      await dropServerObjectsAfterSchemas(session);
      await runQuery(session, 'an empty public schema', 'CREATE SCHEMA IF NOT EXISTS public');
      return schemas.map((s) => s.name);
    },
    existingRoles: async (names) =>
      new Set((await runQuery<{ name: string }>(session, 'existing roles', 'SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1)', [names])).map((r) => r.name)),
    availableExtensions: () => listAvailableExtensions(session),
    setSequenceValues: (values) => setSequenceValues(session, values),
    writeLargeObjects: (range, batches, onProgress) => writeLargeObjectRange(session, range, batches, onProgress),
    close,
  };
}
