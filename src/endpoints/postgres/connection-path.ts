/**
 * Tells whether a URL reaches PostgreSQL directly or through a pooler. A transaction pooler (PgBouncer's
 * pool_mode=transaction, the default "pooled" URL of managed services) hands each transaction to any
 * server session, which breaks exported snapshots, COPY streams spanning transactions and advisory locks.
 */
import type pg from 'pg';
import type { ConnectionPath } from '../../model/inventory.js';
import { readBackendPid } from './queries/server-facts.js';
import { runQuery, type Session } from './run-query.js';

/**
 * Probe: A reads its backend pid; B opens a transaction (pinning a server session); A reads its pid again.
 * With a session of its own A sees the same pid twice; behind a transaction pooler the pool lends A's idle
 * server session to B (PgBouncer reuses the most recent one first), so A comes back on another.
 */
export async function detectConnectionPath(a: Session, b: Session, expectedPort: number): Promise<ConnectionPath> {
  const first = await readBackendPid(a);
  try {
    await runQuery(b, 'a probe transaction', 'BEGIN');
  } catch (error) {
    // PgBouncer answers with its own message, not a PostgreSQL SQLSTATE.
    if (/statement pooling/i.test((error as Error).message)) {
      return { kind: 'statement-pooler', evidence: `the server refused a transaction block: ${(error as Error).message}` };
    }
    throw error;
  }
  try {
    const pinned = await readBackendPid(b);
    const second = await readBackendPid(a);
    if (first !== second) {
      return {
        kind: 'transaction-pooler',
        evidence: `one connection was served by backend ${first}, then by ${second} while another transaction held ${pinned}`,
      };
    }
  } finally {
    await b.client.query('ROLLBACK').catch(() => undefined);
  }
  return proxyOrDirect(a, expectedPort);
}

/** The server sees the client's address; a different port than our socket's means something relays the session. */
async function proxyOrDirect(session: Session, expectedPort: number): Promise<ConnectionPath> {
  const [row] = await runQuery<{ client_port: number | null; server_port: number | null }>(
    session,
    'the connection path',
    'SELECT client_port, inet_server_port() AS server_port FROM pg_stat_activity WHERE pid = pg_backend_pid()',
  );
  const localPort = localSocketPort(session.client);
  if (row && localPort !== undefined && row.client_port !== null && row.client_port > 0 && row.client_port !== localPort) {
    return {
      kind: 'proxy',
      evidence: `the server sees this session coming from port ${row.client_port}, not from ${localPort}: a proxy, port forward or session pooler relays it`,
    };
  }
  if (row && row.server_port !== null && row.server_port !== expectedPort && localPort !== undefined) {
    return { kind: 'proxy', evidence: `the URL names port ${expectedPort} but the server listens on ${row.server_port}` };
  }
  return { kind: 'direct', evidence: 'the server sees this session as it was opened' };
}

function localSocketPort(client: pg.Client): number | undefined {
  const stream = (client as unknown as { connection?: { stream?: { localPort?: number } } }).connection?.stream;
  return stream?.localPort;
}
