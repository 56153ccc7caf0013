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
  roles: readonly string[],
  endpointFor: (database: string) => TargetEndpoint,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withSession((session) => create(session, name));
  const created: string[] = [];
  const dropAll = () =>
    withSession(async (session) => {
      // Sessions a failed restore left in it are ended first (DROP DATABASE … WITH (FORCE) needs PostgreSQL 13).
      await runQuery(session, `ending sessions in ${name}`, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await runQuery(session, `dropping the scratch database ${name}`, `DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      // They owned objects only in that database, which is gone.
      for (const role of created) await runQuery(session, `dropping the role ${role} made for the check`, `DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    });
  let rolesReady: boolean;
  try {
    rolesReady = await withSession((session) => makeMissingRoles(session, roles, created));
  } catch (error) {
    await dropAll().catch(() => undefined);
    throw error;
  }
  const endpoint = endpointFor(name);
  return {
    name,
    endpoint,
    rolesReady,
    drop: async () => {
      await endpoint.close();
      await dropAll();
    },
  };
}

/**
 * Makes the roles the server lacks (NOLOGIN: nobody can connect as them), each added to `created` as it is made;
 * false at the first the user may not make.
 */
async function makeMissingRoles(session: Session, roles: readonly string[], created: string[]): Promise<boolean> {
  const existing = new Set((await runQuery<{ rolname: string }>(session, 'existing roles', 'SELECT rolname FROM pg_roles')).map((r) => r.rolname));
  for (const role of roles.filter((r) => !existing.has(r))) {
    try {
      await runQuery(session, `making the role ${role} for the check`, `CREATE ROLE ${quoteIdent(role)} NOLOGIN`);
      created.push(role);
    } catch (error) {
      if (serverErrorFields(error).sqlState !== '42501') throw error;
      return false;
    }
  }
  return true;
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
