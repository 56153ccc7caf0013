/**
 * Schema before the data: schemas, extensions, then types, routines, sequences, tables and views in dependency
 * order, in journaled transactions of a few hundred statements. Constraints other than validated CHECKs, indexes
 * and triggers come after the data.
 */
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { serverErrorFields } from '../endpoints/postgres/server-error.js';
import { quoteIdent, quoteLiteral } from '../endpoints/postgres/sql.js';
import { renderCreate, renderCreateSchema, renderSequenceOwnedBy } from '../model/ddl/render-pre-data.js';
import type { Finding } from '../model/findings.js';
import type { AvailableExtension } from '../model/inventory.js';
import { sequencesOf, type ExtensionDef, type SchemaModel } from '../model/schema-model.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { Journal } from '../run/journal.js';
import { runJournaledTransaction } from './journaled-transaction.js';

export interface PreDataPlan {
  readonly statements: readonly string[];
  readonly warnings: readonly Finding[];
}

/**
 * An extension already on the target is used as it is (a managed server may install it for you, owned by
 * another role); otherwise it is created at the source's version when the target offers it.
 */
function planExtension(extension: ExtensionDef, available: readonly AvailableExtension[]): { statement?: string; warning?: Finding } {
  const offered = available.find((a) => a.name === extension.name);
  if (offered?.installedVersion) {
    return offered.installedVersion === extension.version
      ? {}
      : {
          warning: {
            code: 'EXTENSION_VERSION_DIFFERS',
            message: `extension ${extension.name} is already installed on the target at ${offered.installedVersion}; the source has ${extension.version}`,
            hint: `Run ALTER EXTENSION ${extension.name} UPDATE on the target if you need the same version.`,
          },
        };
  }
  const create = `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension.name)} WITH SCHEMA ${quoteIdent(extension.schema)}`;
  if (offered?.versions.includes(extension.version)) return { statement: `${create} VERSION ${quoteLiteral(extension.version)}` };
  return {
    statement: create,
    warning: {
      code: 'EXTENSION_VERSION_DIFFERS',
      message: `the target does not offer ${extension.name} ${extension.version}; it is created at its default version ${offered?.defaultVersion ?? '(unknown)'}`,
    },
  };
}

/** Pure. */
export function planPreData(model: SchemaModel, available: readonly AvailableExtension[]): PreDataPlan {
  const extensions = model.extensions.map((e) => planExtension(e, available));
  const statements = [
    ...model.schemas.map((s) => renderCreateSchema(s.name)),
    ...extensions.flatMap((e) => (e.statement ? [e.statement] : [])),
    ...model.objects.map(renderCreate),
    ...sequencesOf(model).flatMap((s) => renderSequenceOwnedBy(s) ?? []),
  ];
  return { statements, warnings: extensions.flatMap((e) => (e.warning ? [e.warning] : [])) };
}

/**
 * Statements per schema transaction. A transaction locks every object it creates until it ends, and the server's
 * lock table is shared and finite (max_locks_per_transaction × max_connections, 6,400 by default): one
 * transaction for a schema of 5,000 tables runs out of shared memory.
 */
export const preDataStatementsPerTransaction = 200;

/** Pure: the journaled steps of the pre-data schema, each one transaction ("schema:pre#1" …). */
export function batchPreData(statements: readonly string[]): Array<{ readonly id: string; readonly statements: readonly string[] }> {
  const batches: Array<{ id: string; statements: readonly string[] }> = [];
  for (let at = 0; at < statements.length; at += preDataStatementsPerTransaction) {
    batches.push({ id: `schema:pre#${batches.length + 1}`, statements: statements.slice(at, at + preDataStatementsPerTransaction) });
  }
  return batches;
}

/**
 * Applies the pre-data statements in batches, each one journaled transaction: a refused statement rolls back its
 * batch, earlier batches stay committed, and the same command continues from the refused batch.
 */
export async function applyPreData(journal: Journal, target: Session, statements: readonly string[]): Promise<void> {
  for (const batch of batchPreData(statements)) {
    await runJournaledTransaction(journal, target, { id: batch.id, phase: 'schema:pre' }, async () => {
      // Function bodies may name tables created later; like pg_dump, do not check them now.
      await runQuery(target, 'check_function_bodies', 'SET LOCAL check_function_bodies = off');
      for (const statement of batch.statements) {
        try {
          await target.client.query(statement);
        } catch (error) {
          const server = serverErrorFields(error);
          throw new PgferryError('SCHEMA_FAILED', `${target.label} refused a schema statement: ${(error as Error).message}`, {
            hint: `${server.hint ? `The server says: ${server.hint}\n` : ''}Nothing of this batch (${batch.id}) was committed; fix the cause on the target and run the same command again: the schema continues from this batch. The statement was:\n${statement}`,
            cause: error,
            server,
          });
        }
      }
    });
  }
}
