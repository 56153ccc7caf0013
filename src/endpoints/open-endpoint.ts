/** Picks the endpoint kind from a connection string. */
import { PgferryError } from '../errors/pgferry-error.js';
import { redactSecrets } from '../errors/redact.js';
import type { EndpointRole, SourceEndpoint, TargetEndpoint } from './endpoint.js';
import { postgresConnectionConfig } from './postgres/connection-config.js';
import { PostgresEndpoint } from './postgres/postgres-endpoint.js';

export interface OpenEndpointOptions {
  readonly role: EndpointRole;
  readonly connectTimeoutSeconds: number;
  /** How long a session waits for another session's table lock (lock_timeout). */
  readonly lockWaitSeconds?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Endpoint kinds the design reserves for later versions, so their URLs get a clear "not yet" rather than "invalid". */
const reservedKinds: ReadonlyArray<{ readonly pattern: RegExp; readonly kind: string }> = [
  { pattern: /^sqlite:\/\//i, kind: 'SQLite' },
  { pattern: /\.(sqlite3?|db)$/i, kind: 'SQLite' },
  { pattern: /^json:\/\//i, kind: 'JSON' },
  { pattern: /^mysql:\/\//i, kind: 'MySQL' },
];

export function openEndpoint(url: string, options: OpenEndpointOptions): SourceEndpoint & TargetEndpoint {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return new PostgresEndpoint(postgresConnectionConfig(url, options.env), options);
  }
  const display = redactSecrets(url);
  const reserved = reservedKinds.find((r) => r.pattern.test(url));
  if (reserved) {
    throw new PgferryError('URL_UNSUPPORTED', `${options.role} ${display}: ${reserved.kind} endpoints are not supported yet`, {
      hint: 'This version moves PostgreSQL to PostgreSQL; give a postgres:// URL.',
    });
  }
  throw new PgferryError('URL_INVALID', `${options.role} "${display}" is not a connection string pgferry understands`, {
    hint: 'Give a URL such as postgres://user@host:5432/dbname (postgresql:// works too).',
  });
}

export { portableArchives } from './archive/archive-directory.js';
