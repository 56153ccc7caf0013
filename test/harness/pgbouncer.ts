/** Starts Debian's PgBouncer in front of a test server, as an unprivileged user when we are root; stops it by PID. */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/embedded/free-port.js';
import { serverOsUser } from '../../src/embedded/os-user.js';
import { childStopper } from '../../src/embedded/stop-child.js';
import type { TestServer } from './servers.js';

export interface PgBouncer {
  readonly port: number;
  url(database: string): string;
  stop(): Promise<void>;
}

function pgbouncerBinary(): string {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Try the next place.
    }
  }
  throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer); .ci/run installs it');
}

export async function startPgBouncer(server: TestServer, poolMode: 'session' | 'transaction'): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-pgbouncer-'));
  const port = await freeLoopbackPort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${server.port} user=postgres password=${server.password}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      'default_pool_size = 5',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
    ].join('\n'),
  );
  const user = serverOsUser();
  if (user) for (const path of [dir, ini, join(dir, 'userlist.txt')]) chownSync(path, user.uid, user.gid);
  const child = spawn(binary, [ini], { stdio: 'ignore', ...(user ? { uid: user.uid, gid: user.gid } : {}) });
  const stopBouncer = childStopper(child, 'SIGTERM');
  const stop = async () => {
    await stopBouncer();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`pgbouncer did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
