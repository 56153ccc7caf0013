/** A database made on the target's server for a check (a test restore) and dropped after it, whatever happened. */
import { randomBytes } from 'node:crypto';
import type { ScratchDatabase, TargetEndpoint } from '../endpoint.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { quoteIdent } from '../../model/ddl/quote.js';
import { runQuery, type Session } from './run-query.js';
import { serverErrorFields } from './server-error.js';

export async function createScratchDatabase(
  withSession: <T>(work: (session: Session) => Promise<T>) => Promise<T>,
  prefix: string,
  endpointFor: (database: string) => TargetEndpoint,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withSession((session) => create(session, name));
  const endpoint = endpointFor(name);
  return {
    name,
    endpoint,
    drop: async () => {
      await endpoint.close();
      // WITH (FORCE) ends sessions a failed restore left behind (PostgreSQL 13 and newer).
      await withSession((session) => runQuery(session, `dropping the scratch database ${name}`, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

async function create(session: Session, name: string): Promise<void> {
  try {
    // template0: the target's template1 may hold objects of its own, which would read as differences.
    await runQuery(session, `creating the scratch database ${name}`, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } catch (error) {
    if (serverErrorFields(error).sqlState !== '42501') throw error;
    throw new PgferryError('PERMISSION_DENIED', `${session.label}: the user may not create databases, so a scratch database for the check cannot be made`, {
      hint: 'Give the user CREATEDB on the target server, or check the backup elsewhere (backup.testRestore: never).',
      cause: error,
    });
  }
}
