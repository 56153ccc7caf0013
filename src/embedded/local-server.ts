/** Starts a throwaway PostgreSQL server in a temp directory on a free loopback port, and stops it by PID. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { PgferryError } from '../errors/pgferry-error.js';
import { freeLoopbackPort } from './free-port.js';
import { serverOsUser } from './os-user.js';
import { childStopper } from './stop-child.js';
import { serverBinDir } from './server-binaries.js';

const run = promisify(execFile);

export interface LocalServerOptions {
  readonly major: number;
  /** Extra server settings, e.g. { max_connections: '50' }. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Superuser password; loopback TCP logins must give it. */
  readonly password?: string;
}

export interface LocalServer {
  readonly major: number;
  readonly port: number;
  readonly pid: number;
  readonly superuser: string;
  readonly password: string;
  /** A URL for a database on this server, as the superuser unless told otherwise. */
  url(database?: string, user?: string, password?: string): string;
  /** Path of the server log, for failures. */
  readonly logFile: string;
  stop(): Promise<void>;
  /** Stops the server the way a crash does (immediate shutdown): its next start runs crash recovery. */
  crash(): Promise<void>;
  /** Starts the server again on the same data directory and port, after crash(). */
  restart(): Promise<void>;
}

const fastSettings: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '100',
  shared_buffers: '128MB',
  max_wal_size: '4GB',
  wal_level: 'logical',
};

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const binDir = serverBinDir(options.major);
  const user = serverOsUser();
  const root = mkdtempSync(join(tmpdir(), `pgferry-pg${options.major}-`));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  const password = options.password ?? 'pgferry-local';
  const pwFile = join(root, 'pwfile');
  writeFileSync(pwFile, `${password}\n`);
  if (user) for (const path of [root, pwFile]) chownSync(path, user.uid, user.gid);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    await run(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--pwfile', pwFile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
      { ...asUser, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw localServerError(`initdb for PostgreSQL ${options.major} failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`, error);
  }
  const port = await freeLoopbackPort();
  const settings = { ...fastSettings, ...options.settings, listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: root };
  const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const url = localServerUrl(port, password);
  let child: ChildProcess;
  let stopServer: () => Promise<void>;
  const launch = async () => {
    const logFd = openSync(logFile, 'a');
    child = spawn(join(binDir, 'postgres'), args, { ...asUser, stdio: ['ignore', logFd, logFd], detached: false });
    closeSync(logFd);
    // SIGINT is PostgreSQL's fast shutdown.
    stopServer = childStopper(child, 'SIGINT');
    await waitUntilReady(url(), child, logFile);
  };
  const stop = async () => {
    await stopServer();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  const crash = async () => {
    // SIGQUIT is the immediate shutdown: no checkpoint, so the next start runs crash recovery, as after a power loss.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGQUIT');
    await exited;
  };
  return {
    major: options.major,
    port,
    get pid() {
      return child.pid!;
    },
    superuser: 'postgres',
    password,
    url,
    logFile,
    stop,
    crash,
    restart: launch,
  };
}

/** Builds URLs for databases on a loopback server, as the superuser unless told otherwise. */
export function localServerUrl(port: number, password: string): LocalServer['url'] {
  return (database = 'postgres', login = 'postgres', secret = password) =>
    `postgres://${encodeURIComponent(login)}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8').slice(-2000);
  } catch {
    // No log written.
  }
  throw localServerError(`PostgreSQL did not accept connections within 60 s:\n${log}`);
}


function localServerError(message: string, cause?: unknown): PgferryError {
  return new PgferryError('LOCAL_SERVER_FAILED', message, {
    hint: 'Run npm ci so the embedded PostgreSQL packages are installed, and check free space in the temp directory.',
    cause,
  });
}
