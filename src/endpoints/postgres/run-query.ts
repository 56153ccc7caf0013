/** Runs one query and turns a server refusal into a PgferryError naming the endpoint and what was asked. */
import type pg from 'pg';
import { PgferryError } from '../../errors/pgferry-error.js';
import { serverErrorFields } from './server-error.js';

/** A connected client plus the words that name it in messages ("source 10.0.0.5:5432"). */
export interface Session {
  readonly client: pg.Client;
  readonly label: string;
}

export async function runQuery<Row extends object>(
  session: Session,
  purpose: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  try {
    const result = await session.client.query<Row>(sql, params as unknown[]);
    return result.rows;
  } catch (error) {
    const server = serverErrorFields(error);
    const message = (error as Error).message;
    if (server.sqlState === '42501') {
      return Promise.reject(
        new PgferryError('PERMISSION_DENIED', `${session.label}: cannot read ${purpose}: ${message}`, {
          hint: 'Connect as a role that may read this (the database owner, or one granted pg_read_all_data and pg_read_all_stats).',
          cause: error,
          server,
        }),
      );
    }
    if (server.sqlState === '55P03') {
      return Promise.reject(
        new PgferryError('TABLE_LOCKED', `${session.label}: gave up waiting for a lock while reading ${purpose}: ${message}`, {
          hint: 'Another session holds a lock on a table pgferry reads (see pg_locks and pg_stat_activity on that server); end it or wait, then run the command again.',
          cause: error,
          server,
        }),
      );
    }
    if (!server.sqlState) {
      return Promise.reject(
        new PgferryError('CONNECTION_LOST', `${session.label}: connection lost while reading ${purpose}: ${message}`, {
          hint: 'Check that the server is up and the network path is stable, then run the command again.',
          cause: error,
        }),
      );
    }
    return Promise.reject(
      new PgferryError('QUERY_FAILED', `${session.label}: reading ${purpose} failed: ${message}`, {
        hint: server.hint ?? 'This query works on PostgreSQL 12 and newer; if the server is one of those, report it as a bug.',
        cause: error,
        server,
      }),
    );
  }
}
