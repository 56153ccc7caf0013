/** Who the connected server and database say they are, read after connecting, whatever route reached them. */
import type { DatabaseFingerprint } from '../../../model/database-fingerprint.js';
import { runQuery, type Session } from '../run-query.js';
import { serverErrorFields } from '../server-error.js';

/**
 * The cluster's system identifier (pg_control_system(), executable by every role on 14–18 unless an
 * administrator revoked it; then null), this server's start time, whether it is a standby, and the database OID.
 */
export async function readDatabaseFingerprint(session: Session): Promise<DatabaseFingerprint> {
  const [row] = await runQuery<{ database_oid: string; started_at: string; standby: boolean }>(
    session,
    'the database identity',
    `SELECT d.oid::text AS database_oid,
            to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS started_at,
            pg_is_in_recovery() AS standby
       FROM pg_database d
      WHERE d.datname = current_database()`,
  );
  return {
    cluster: await readSystemIdentifier(session),
    instance: row!.started_at,
    standby: row!.standby,
    database: row!.database_oid,
  };
}

async function readSystemIdentifier(session: Session): Promise<string | null> {
  try {
    const [row] = await runQuery<{ id: string }>(session, 'the cluster system identifier', 'SELECT system_identifier::text AS id FROM pg_control_system()');
    return row!.id;
  } catch (error) {
    if (serverErrorFields(error).sqlState === '42501') return null;
    throw error;
  }
}
