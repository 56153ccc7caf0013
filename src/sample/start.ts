/**
 * `npm start`: the main job on an embedded default. Starts two throwaway PostgreSQL servers (17 as the
 * source with the bundled Chinook sample, 18 as an empty target), migrates the sample from one to the other,
 * prints the summary and stops both servers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main.js';
import { startLocalServer, type LocalServer } from '../embedded/local-server.js';
import { createDatabase, loadChinook } from './load-chinook.js';

async function main(): Promise<number> {
  const starting: Array<Promise<LocalServer>> = [];
  // A server still starting when a signal comes is waited for, then stopped too.
  const stopAll = async () => {
    const started = await Promise.allSettled(starting.splice(0));
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  };
  // Ctrl-C or a kill: the servers are stopped before the process goes (128 + the signal's number, as shells say).
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    process.stderr.write('Starting PostgreSQL 17 (source) and 18 (target) in temp directories…\n');
    starting.push(startLocalServer({ major: 17 }), startLocalServer({ major: 18 }));
    const [source, target] = (await Promise.all(starting)) as [LocalServer, LocalServer];
    process.stderr.write('Loading the Chinook sample into the source…\n');
    await loadChinook(source.url(), source.url('chinook'), 'chinook');
    await createDatabase(target.url(), 'chinook');
    const extra = process.argv.slice(2);
    const runDir = mkdtempSync(join(tmpdir(), 'pgferry-sample-runs-'));
    process.stderr.write(`Migrating chinook from PostgreSQL 17 to 18 (journal in ${runDir})…\n`);
    return await runCli(['migrate', '--from', source.url('chinook'), '--to', target.url('chinook'), '--run-dir', runDir, ...extra]);
  } finally {
    await stopAll();
  }
}

process.exitCode = await main();
