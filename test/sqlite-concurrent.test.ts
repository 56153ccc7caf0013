/**
 * A live application keeps writing to its SQLite file (WAL mode) while pgferry migrates it: the application is never
 * blocked, and the target holds one consistent snapshot — tables a and b, written together in every transaction,
 * arrive with the same rows.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const writerScript = fileURLToPath(new URL('./fixtures/sqlite/wal-writer.js', import.meta.url));
const initialRows = 150_000;

function walFile(mode = 'wal'): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-wal-'));
  const file = join(dir, 'live.db');
  const db = new Database(file);
  db.pragma(`journal_mode = ${mode}`);
  db.exec('CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT);');
  const fill = db.transaction(() => {
    const a = db.prepare('INSERT INTO a (n, pad) VALUES (?, ?)');
    const b = db.prepare('INSERT INTO b (n, pad) VALUES (?, ?)');
    for (let n = 1; n <= initialRows; n += 1) {
      a.run(n, `row ${n} ${'x'.repeat(40)}`);
      b.run(n, `row ${n} ${'y'.repeat(40)}`);
    }
  });
  fill();
  db.close();
  return { dir, file };
}

/** The writer process on `file`, once it has made its first commit; `said()` is what it printed so far. */
async function startWriter(file: string, mode = 'wal') {
  const writer = spawn(process.execPath, [writerScript, file, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  writer.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
  while (!said.includes('writing')) {
    if (writer.exitCode !== null) {
      writer.kill('SIGKILL');
      assert.fail(`the writer ended early: ${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { writer, said: () => said };
}

describe('SQLite source written to during the migration', () => {
  it('reads one snapshot while another process commits in WAL mode, never blocking it', { timeout: 300_000 }, async () => {
    const { dir, file } = walFile();
    const { writer, said } = await startWriter(file);
    try {
      const target = await freshDatabase(await testServer(17));
      const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', join(dir, 'run'), '--jobs', '2');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /verified equal/);
      const during = JSON.parse(said().split('\n').find((l) => l.startsWith('{')) ?? 'null') as { commits: number } | null;
      assert.equal(during, null, 'the writer is still running after the migration');

      writer.kill('SIGTERM');
      await once(writer, 'exit');
      const stats = JSON.parse(said().split('\n').find((l) => l.startsWith('{'))!) as { commits: number; busy: number };
      assert.equal(stats.busy, 0, 'the writer never met "database is locked"');

      const final = new Database(file, { readonly: true });
      const written = (final.prepare('SELECT count(*) AS n FROM a').get() as { n: number }).n;
      final.close();
      await withClient(target.url, async (client) => {
        const { rows } = await client.query<{ a: string; b: string; max_a: string; max_b: string; differ: string }>(
          `SELECT (SELECT count(*) FROM a)::text AS a, (SELECT count(*) FROM b)::text AS b,
                  (SELECT max(n) FROM a)::text AS max_a, (SELECT max(n) FROM b)::text AS max_b,
                  (SELECT count(*) FROM (SELECT n FROM a EXCEPT SELECT n FROM b) d)::text AS differ`,
        );
        const copied = rows[0]!;
        assert.equal(copied.a, copied.b, 'a and b copied from one snapshot');
        assert.equal(copied.max_a, copied.max_b);
        assert.equal(copied.differ, '0');
        assert.ok(Number(copied.a) >= initialRows + 1, `the snapshot holds the writer's first commit (${copied.a})`);
        assert.ok(written > Number(copied.a), `the writer went on committing during the migration (${written} rows now, ${copied.a} copied)`);
      });
    } finally {
      if (writer.exitCode === null) writer.kill('SIGKILL');
    }
  });

  it('outside WAL mode, a writer waiting to commit never stops the copy threads; one snapshot is copied', { timeout: 300_000 }, async () => {
    const { dir, file } = walFile('delete');
    const target = await freshDatabase(await testServer(17));
    const { writer } = await startWriter(file, 'delete');
    try {
      // The writer keeps trying to commit (and waits, holding SQLite's PENDING lock) all through the migration.
      const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', join(dir, 'run'), '--jobs', '2');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /SQLITE_WRITERS_BLOCKED/);
      assert.match(run.stdout, /verified equal/);
      await withClient(target.url, async (client) => {
        const { rows } = await client.query<{ a: string; b: string; differ: string }>(
          'SELECT (SELECT count(*) FROM a)::text AS a, (SELECT count(*) FROM b)::text AS b, (SELECT count(*) FROM (SELECT n FROM a EXCEPT SELECT n FROM b) d)::text AS differ',
        );
        assert.equal(rows[0]!.a, rows[0]!.b);
        assert.equal(rows[0]!.differ, '0');
        assert.ok(Number(rows[0]!.a) >= initialRows);
      });
    } finally {
      writer.kill('SIGKILL');
    }
  });
});
