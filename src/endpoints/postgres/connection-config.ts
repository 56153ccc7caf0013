/** Turns a postgres:// URL plus libpq's PG* environment into node-postgres settings, the way psql would. */
import { userInfo } from 'node:os';
import { parse } from 'pg-connection-string';
import type { ClientConfig } from 'pg';
import pgpass from 'pgpass';
import { PgferryError } from '../../errors/pgferry-error.js';
import { redactSecrets } from '../../errors/redact.js';

/** Where a connection goes, with no secret in it. */
export interface PostgresAddress {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

export interface PostgresConnectionConfig {
  readonly address: PostgresAddress;
  /** The URL with its password masked, for messages. */
  readonly display: string;
  /** Settings for pg.Client, except the connect timeout, which the caller sets. */
  readonly client: ClientConfig;
  /**
   * The same connection for libpq's own tools (pg_dump, pg_restore) as PG* environment variables, so no secret
   * appears on a command line; a password left to ~/.pgpass stays there (libpq reads it itself).
   */
  readonly libpqEnv: Readonly<Record<string, string>>;
}

/**
 * Parses a postgres:// or postgresql:// URL. Pieces the URL leaves out come from PGHOST, PGPORT,
 * PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT and PGAPPNAME, then ~/.pgpass (or PGPASSFILE),
 * as libpq does; sslmode follows libpq's meaning (require encrypts without verifying the certificate).
 */
export function postgresConnectionConfig(url: string, env: NodeJS.ProcessEnv = process.env): PostgresConnectionConfig {
  const display = redactSecrets(url);
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new PgferryError('URL_INVALID', `${display} is not a PostgreSQL URL`, {
      hint: 'Write it as postgres://user@host:5432/dbname (postgresql:// works too).',
    });
  }
  const urlPort = /^postgres(?:ql)?:\/\/(?:[^/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(url)?.[1];
  if (urlPort !== undefined && urlPort !== '') checkPort(urlPort, display);
  const withEnvSsl = addEnvParameters(url, env);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(withEnvSsl, { useLibpqCompat: true });
  } catch (cause) {
    throw new PgferryError('URL_INVALID', `${display} cannot be parsed: ${redactSecrets((cause as Error).message)}`, {
      hint: 'Percent-encode special characters in the user and password (e.g. @ as %40) and check host:port/dbname.',
      cause,
    });
  }
  const sslmode = (parsed as { sslmode?: string }).sslmode;
  if (sslmode !== undefined && !sslModes.includes(sslmode)) {
    throw new PgferryError('URL_INVALID', `${display} has sslmode "${sslmode}", which libpq does not know (it takes ${sslModes.join(', ')})`, {
      hint: 'Write e.g. ?sslmode=require (encrypt) or ?sslmode=verify-full (encrypt and check the certificate and host name), in the URL or PGSSLMODE.',
    });
  }
  // An IPv6 address is bracketed in a URL ([::1]) but not in a socket address.
  const host = (parsed.host || env.PGHOST || 'localhost').replace(/^\[(.*)\]$/, '$1');
  const port = checkPort(parsed.port || env.PGPORT || '5432', display);
  const user = parsed.user || env.PGUSER || userInfo().username;
  const database = parsed.database || env.PGDATABASE || user;
  const address: PostgresAddress = { host, port, database, user };
  const explicitPassword = parsed.password || env.PGPASSWORD;
  const client: ClientConfig = {
    host,
    port,
    user,
    database,
    password: explicitPassword ?? (() => passwordFromPgpass(address)),
    ssl: parsed.ssl as ClientConfig['ssl'],
    application_name: (parsed.application_name as string | undefined) ?? env.PGAPPNAME ?? 'pgferry',
    ...(typeof parsed.options === 'string' ? { options: parsed.options } : {}),
  };
  const libpqEnv: Record<string, string> = { PGHOST: host, PGPORT: String(port), PGUSER: user, PGDATABASE: database, PGAPPNAME: String(client.application_name) };
  if (explicitPassword !== undefined) libpqEnv.PGPASSWORD = explicitPassword;
  if (typeof parsed.options === 'string') libpqEnv.PGOPTIONS = parsed.options;
  const libpqParameters: ReadonlyArray<readonly [string, string]> = [['sslmode', 'PGSSLMODE'], ['sslrootcert', 'PGSSLROOTCERT'], ['sslcert', 'PGSSLCERT'], ['sslkey', 'PGSSLKEY']];
  for (const [parameter, variable] of libpqParameters) {
    const value = (parsed as Record<string, unknown>)[parameter] ?? env[variable];
    if (typeof value === 'string' && value !== '') libpqEnv[variable] = value;
  }
  if (env.PGPASSFILE) libpqEnv.PGPASSFILE = env.PGPASSFILE;
  return { address, display, client, libpqEnv };
}

/** The same server, user and settings, another database (a scratch database for a test restore). */
export function configForDatabase(config: PostgresConnectionConfig, database: string): PostgresConnectionConfig {
  const display = config.display.replace(/(\/\/[^/?#]*\/)[^?#]*/, `$1${encodeURIComponent(database)}`);
  return {
    address: { ...config.address, database },
    display: display === config.display ? `${config.display} (database ${database})` : display,
    client: { ...config.client, database },
    libpqEnv: { ...config.libpqEnv, PGDATABASE: database },
  };
}

const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function checkPort(text: string, display: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PgferryError('URL_INVALID', `${display} has port "${redactSecrets(text)}", which is not a TCP port (1 to 65535)`, {
      hint: 'Use a port between 1 and 65535, e.g. postgres://user@host:5432/dbname.',
    });
  }
  return port;
}

/** libpq reads sslmode and sslrootcert from the environment when the URL does not set them. */
function addEnvParameters(url: string, env: NodeJS.ProcessEnv): string {
  const extra: string[] = [];
  if (env.PGSSLMODE && !/[?&]sslmode=/.test(url)) extra.push(`sslmode=${encodeURIComponent(env.PGSSLMODE)}`);
  if (env.PGSSLROOTCERT && !/[?&]sslrootcert=/.test(url)) extra.push(`sslrootcert=${encodeURIComponent(env.PGSSLROOTCERT)}`);
  if (extra.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${extra.join('&')}`;
}

/** Called only when the server asks for a password; none found means an empty one, which the server rejects clearly. */
function passwordFromPgpass(address: PostgresAddress): Promise<string> {
  return new Promise((resolve) => {
    pgpass({ host: address.host, port: address.port, database: address.database, user: address.user }, (password) =>
      resolve(password ?? ''),
    );
  });
}

/** A key equal for two addresses that name the same database on the same server (all loopback names are one host). */
export function databaseIdentity(address: PostgresAddress): string {
  const host = address.host.toLowerCase();
  return `postgres://${['localhost', '127.0.0.1', '::1'].includes(host) ? 'loopback' : host}:${address.port}/${address.database}`;
}
