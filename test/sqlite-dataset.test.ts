/** The SQLite bench dataset reaches its size and stores each column in the form the bench says it does. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeSqliteDataset } from '../bench/sqlite-dataset.js';

describe('the SQLite bench dataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-dataset-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.sqlite');
  const result = writeSqliteDataset(path, 8);
  const db = new Database(path, { readonly: true });
  after(() => db.close());
  const forms = (table: string, column: string): string[] =>
    (db.prepare(`SELECT DISTINCT typeof(${column}) AS t FROM ${table} ORDER BY 1`).all() as { t: string }[]).map((r) => r.t);

  it('writes at least the size asked for, in WAL mode, with every row counted', () => {
    assert.ok(statSync(path).size >= 8 * 1024 * 1024);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    for (const [table, rows] of Object.entries(result.rows)) {
      assert.equal((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n, rows, table);
    }
  });

  it('stores dates as ISO text and as epochs, booleans as 0/1, JSON as text', () => {
    assert.deepEqual(forms('users', 'created_at'), ['text']);
    assert.deepEqual(forms('users', 'last_login'), ['integer', 'null']);
    assert.deepEqual(forms('sessions', 'created_ms'), ['integer']);
    assert.deepEqual(forms('comments', 'created_at'), ['integer']);
    assert.deepEqual(forms('posts', 'score'), ['real']);
    assert.deepEqual(forms('posts', 'metadata'), ['null', 'text']);
    assert.deepEqual(forms('users', 'avatar'), ['blob', 'null']);
    assert.deepEqual((db.prepare('SELECT DISTINCT published AS v FROM posts ORDER BY 1').all() as { v: number }[]).map((r) => r.v), [0, 1]);
    assert.match((db.prepare('SELECT created_at AS v FROM posts LIMIT 1').get() as { v: string }).v, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('has its foreign keys, a partial index and a table without rowid, and no orphan', () => {
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(count(`SELECT count(*) AS n FROM sqlite_schema s, pragma_foreign_key_list(s.name) WHERE s.type = 'table'`), 9);
    assert.equal(count(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'posts_published' AND sql LIKE '%WHERE%'`), 1);
    assert.equal(count(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'post_tags' AND sql LIKE '%WITHOUT ROWID'`), 1);
    assert.equal(count('SELECT count(*) AS n FROM pragma_foreign_key_check'), 0);
  });
});
