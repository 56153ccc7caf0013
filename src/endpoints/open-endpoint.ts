/** Picks the endpoint kind from a connection string. */
import { PgferryError } from '../errors/pgferry-error.js';
import { redactSecrets } from '../errors/redact.js';
import type { EndpointRole, SourceEndpoint, TargetEndpoint } from './endpoint.js';
import { postgresConnectionConfig } from './postgres/connection-config.js';
import { PostgresEndpoint } from './postgres/postgres-endpoint.js';
import { SqliteEndpoint } from './sqlite/sqlite-endpoint.js';
import type { SqliteSourceOptions } from '../model/sqlite/sqlite-source-options.js';
import { isSqliteLocation, sqliteFilePath } from './sqlite/sqlite-location.js';

export interface OpenEndpointOptions {
  readonly role: EndpointRole;
  readonly connectTimeoutSeconds: number;
  /** How long a session waits for another session's table lock (lock_timeout). */
  readonly lockWaitSeconds?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** How a SQLite source maps to PostgreSQL (the plan's `sqlite` section); defaults when absent. */
  readonly sqlite?: SqliteSourceOptions;
}

/** Endpoint kinds the design reserves for later versions, so their URLs get a clear "not yet" rather than "invalid". */
const reservedKinds: ReadonlyArray<{ readonly pattern: RegExp; readonly kind: string }> = [
  { pattern: /^mysql:\/\//i, kind: 'MySQL' },
];

export function openEndpoint(url: string, options: OpenEndpointOptions & { readonly role: 'source' }): SourceEndpoint;
export function openEndpoint(url: string, options: OpenEndpointOptions & { readonly role: 'target' }): TargetEndpoint;
export function openEndpoint(url: string, options: OpenEndpointOptions): SourceEndpoint | TargetEndpoint {
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgresEndpoint(url, options);
  const display = redactSecrets(url);
  if (isSqliteLocation(url)) {
    if (options.role === 'source') return new SqliteEndpoint(sqliteFilePath(url), options.sqlite, (options.lockWaitSeconds ?? 60) * 1000);
    throw new PgferryError('URL_UNSUPPORTED', `target ${display}: SQLite is a source only; pgferry writes into PostgreSQL`, {
      hint: 'Give the target as a postgres:// URL; a SQLite file can be the source (--from sqlite:///path/to/app.db).',
    });
  }
  if (/^json:\/\//i.test(url)) {
    throw new PgferryError('URL_UNSUPPORTED', `${options.role} ${display}: a JSON directory is read by migrate, verify and export with the plan's json mapping; this command does not take one`, {
      hint: 'Run pgferry infer --from json://DIR --out plan.yaml, then pgferry migrate --plan plan.yaml --from json://DIR --to postgres://… (docs/JSON.md).',
    });
  }
  const reserved = reservedKinds.find((r) => r.pattern.test(url));
  if (reserved) {
    throw new PgferryError('URL_UNSUPPORTED', `${options.role} ${display}: ${reserved.kind} endpoints are not supported yet`, {
      hint: 'This version reads PostgreSQL and SQLite; give a postgres:// or sqlite:// URL.',
    });
  }
  throw new PgferryError('URL_INVALID', `${options.role} "${display}" is not a connection string pgferry understands`, {
    hint: 'Give a URL such as postgres://user@host:5432/dbname (postgresql:// works too), a SQLite file as sqlite:///path/to/app.db, or a directory of JSON files as json:///path/to/dir.',
  });
}

/** A PostgreSQL database, which can be either end. */
export function openPostgresEndpoint(url: string, options: OpenEndpointOptions): SourceEndpoint & TargetEndpoint {
  return new PostgresEndpoint(postgresConnectionConfig(url, options.env), options);
}

export { portableArchives } from './archive/archive-directory.js';
