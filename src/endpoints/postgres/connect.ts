/** Opens node-postgres clients and turns every connection failure into a PgferryError that names host and port. */
import pg from 'pg';
import { PgferryError } from '../../errors/pgferry-error.js';
import type { PostgresConnectionConfig } from './connection-config.js';
import { serverErrorFields } from './server-error.js';

export interface ConnectOptions {
  /** Which end this is, for messages: "source" or "target". */
  readonly label: string;
  readonly connectTimeoutSeconds: number;
}

/** Connects one client; the caller ends it. */
export async function connectPostgres(config: PostgresConnectionConfig, options: ConnectOptions): Promise<pg.Client> {
  // Keepalives make a peer that vanished without a word (host down, network cut) surface as an error, not a wait.
  const client = new pg.Client({
    ...config.client,
    connectionTimeoutMillis: options.connectTimeoutSeconds * 1000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // Errors after connect (server restart, network loss) surface on the next query; keep them from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, config, options);
  }
  return client;
}

export function connectionError(error: unknown, config: PostgresConnectionConfig, options: ConnectOptions): PgferryError {
  const { host, port, database, user } = config.address;
  const where = `${options.label} ${host}:${port}`;
  const cause = error as NodeJS.ErrnoException & { code?: string; message: string };
  const message = cause?.message ?? String(error);
  const server = serverErrorFields(error);
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return new PgferryError('CONNECT_REFUSED', `${where}: connection refused (no server listens there)`, {
        hint: `Check that PostgreSQL runs on ${host} and listens on port ${port}, and that a firewall lets you in.`,
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PgferryError('HOST_NOT_FOUND', `${where}: host name "${host}" does not resolve`, {
        hint: 'Check the spelling of the host in the URL, or use its IP address.',
        cause: error,
      });
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return timeoutError(where, options, error);
    case '28P01':
    case '28000':
      return new PgferryError('AUTH_FAILED', `${where}: the server rejected user "${user}": ${message}`, {
        hint: 'Check the user and password in the URL, PGPASSWORD or ~/.pgpass, and pg_hba.conf on the server.',
        cause: error,
        server,
      });
    case '3D000':
      return new PgferryError('DATABASE_NOT_FOUND', `${where}: database "${database}" does not exist`, {
        hint: `Check the database name at the end of the URL; list databases with: psql -h ${host} -p ${port} -l`,
        cause: error,
        server,
      });
  }
  if (/client password must be/i.test(message)) {
    return new PgferryError('AUTH_FAILED', `${where}: the server asks user "${user}" for a password and none was given`, {
      hint: 'Put the password in the URL, PGPASSWORD or ~/.pgpass (PGPASSFILE), as for psql.',
      cause: error,
    });
  }
  if (/timeout/i.test(message)) return timeoutError(where, options, error);
  if (/ssl|tls|certificate/i.test(message)) {
    return new PgferryError('TLS_FAILED', `${where}: TLS failed: ${message}`, {
      hint: 'Check sslmode and sslrootcert in the URL (sslmode=require encrypts without checking the certificate).',
      cause: error,
    });
  }
  if (server.sqlState) {
    return new PgferryError('QUERY_FAILED', `${where}: the server refused the connection: ${message}`, {
      hint: server.hint ?? 'Read the server message above; the server log may say more.',
      cause: error,
      server,
    });
  }
  return new PgferryError('CONNECTION_LOST', `${where}: the connection failed: ${message}`, {
    hint: 'Check that the host and port point at a PostgreSQL server and that the network path is open.',
    cause: error,
  });
}

function timeoutError(where: string, options: ConnectOptions, cause: unknown): PgferryError {
  return new PgferryError('CONNECT_TIMEOUT', `${where}: no answer within ${options.connectTimeoutSeconds}s`, {
    hint: 'Check host, port and firewall; raise --connect-timeout if the server is just slow to answer.',
    cause,
  });
}
