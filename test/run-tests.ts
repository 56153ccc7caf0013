/**
 * `npm test`: starts one PostgreSQL server per major (14–18) for the whole suite, runs every test file with
 * node's test runner, then stops the servers by PID. The runner's summary stays the last output.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { supportedLocalMajors } from '../src/embedded/server-binaries.js';
import type { SharedServer } from './harness/servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(here, f));
const servers: LocalServer[] = [];
const stopAll = () => Promise.all(servers.splice(0).map((s) => s.stop()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));

let code = 1;
try {
  servers.push(...(await Promise.all(supportedLocalMajors.map((major) => startLocalServer({ major })))));
  const shared: SharedServer[] = servers.map((s) => ({ major: s.major, port: s.port, password: s.password }));
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...process.argv.slice(2), ...files], {
    stdio: 'inherit',
    env: { ...process.env, PGFERRY_TEST_SERVERS: JSON.stringify(shared) },
  });
  code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
} finally {
  await stopAll();
}
process.exitCode = code;
