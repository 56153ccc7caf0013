/**
 * Real PostgreSQL servers for tests. The test runner (test/run-tests.ts) starts one server per major and
 * passes them in PGFERRY_TEST_SERVERS; a test file run on its own starts the majors it asks for itself
 * and stops them when it ends. Each test gets its own database.
 */
import { after } from 'node:test';
import pg from 'pg';
import { localServerUrl, startLocalServer, type LocalServer } from '../../src/embedded/local-server.js';

export interface TestServer {
  readonly major: number;
  readonly port: number;
  readonly password: string;
  url(database?: string, user?: string, password?: string): string;
}

export interface SharedServer {
  readonly major: number;
  readonly port: number;
  readonly password: string;
}

const started = new Map<number, Promise<LocalServer>>();
// Registered at import time so it belongs to the file's root, not to whichever suite first asks for a server.
after(async () => {
  await Promise.all([...started.values()].map(async (server) => (await server).stop()));
});

/** The server of this major: the shared one if the runner started it, else one started for this file. */
export async function testServer(major: number): Promise<TestServer> {
  const shared = (JSON.parse(process.env.PGFERRY_TEST_SERVERS ?? '[]') as SharedServer[]).find((s) => s.major === major);
  if (shared) return { ...shared, url: localServerUrl(shared.port, shared.password) };
  let server = started.get(major);
  if (!server) {
    server = startLocalServer({ major });
    started.set(major, server);
  }
  const s = await server;
  return { major, port: s.port, password: s.password, url: s.url };
}

let databaseCounter = 0;

/** Creates a fresh, uniquely named database and returns its URL; `sql` runs in it first. */
export async function freshDatabase(server: TestServer, sql?: string): Promise<{ name: string; url: string }> {
  databaseCounter += 1;
  const name = `t${process.pid}_${databaseCounter}`;
  await withClient(server.url(), (c) => c.query(`CREATE DATABASE ${name}`));
  if (sql) await withClient(server.url(name), (c) => c.query(sql));
  return { name, url: server.url(name) };
}

/** A fresh copy of database `template` (CREATE DATABASE … TEMPLATE), with `sql` run in it; returns its URL. */
export async function databaseCopy(server: TestServer, template: string, sql: string): Promise<string> {
  databaseCounter += 1;
  const name = `${template}_c${databaseCounter}`;
  await withClient(server.url(), (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  await withClient(server.url(name), (c) => c.query(sql));
  return server.url(name);
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
