/** Version, size, limits and current sessions of the connected server and database. */
import type { ConnectionGroup, ServerFacts } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';

interface ServerRow {
  version: string;
  version_num: string;
  database: string;
  user: string;
  is_superuser: boolean;
  database_bytes: string;
  max_connections: string;
  encoding: string;
}

/** `ownPids`: backends of pgferry's own sessions, left out of the session counts. */
export async function readServerFacts(session: Session, ownPids: readonly number[]): Promise<ServerFacts> {
  const [row] = await runQuery<ServerRow>(
    session,
    'server version and database size',
    `SELECT current_setting('server_version') AS version,
            current_setting('server_version_num') AS version_num,
            current_database() AS database,
            current_user AS "user",
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_superuser,
            pg_database_size(current_database()) AS database_bytes,
            current_setting('max_connections') AS max_connections,
            current_setting('server_encoding') AS encoding`,
  );
  const versionNum = Number(row!.version_num);
  return {
    version: row!.version.split(' ')[0]!,
    versionNum,
    major: Math.floor(versionNum / 10000),
    database: row!.database,
    user: row!.user,
    isSuperuser: row!.is_superuser,
    databaseBytes: Number(row!.database_bytes),
    maxConnections: Number(row!.max_connections),
    encoding: row!.encoding,
    connections: await readConnectionGroups(session, ownPids),
  };
}

/** The pid of the server process serving this session (through a transaction pooler it can change). */
export async function readBackendPid(session: Session): Promise<number> {
  const [row] = await runQuery<{ pid: number }>(session, 'the backend pid', 'SELECT pg_backend_pid() AS pid');
  return row!.pid;
}

export async function readConnectionGroups(session: Session, ownPids: readonly number[]): Promise<ConnectionGroup[]> {
  const rows = await runQuery<{ user: string | null; application: string; count: string }>(
    session,
    'active connections (pg_stat_activity)',
    `SELECT usename AS "user", application_name AS application, count(*) AS count
       FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> ALL($1::int[])
      GROUP BY 1, 2
      ORDER BY 3 DESC, 1, 2`,
    [ownPids],
  );
  return rows.map((r) => ({ user: r.user ?? '(hidden)', application: r.application, count: Number(r.count) }));
}

/** The database's character set, e.g. "UTF8" or "LATIN1". */
export async function readServerEncoding(session: Session): Promise<string> {
  const [row] = await runQuery<{ encoding: string }>(session, 'the database encoding', "SELECT current_setting('server_encoding') AS encoding");
  return row!.encoding;
}
