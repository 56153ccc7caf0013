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
  const servers: LocalServer[] = [];
  const stopAll = () => Promise.all(servers.splice(0).map((s) => s.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    process.stderr.write('Starting PostgreSQL 17 (source) and 18 (target) in temp directories…\n');
    const [source, target] = await Promise.all([startLocalServer({ major: 17 }), startLocalServer({ major: 18 })]);
    servers.push(source, target);
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
