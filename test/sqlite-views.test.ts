/**
 * SQLite views: the ones whose SELECT means the same in PostgreSQL are created and answer what SQLite's own view
 * answers (the oracle is SQLite itself); the others are left out, named with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

const schema = `
  CREATE TABLE Users (Id INTEGER PRIMARY KEY, Email TEXT NOT NULL, Active BOOLEAN NOT NULL DEFAULT 1, DeletedAt DATETIME);
  CREATE TABLE Orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES Users (Id), total NUMERIC(10,2) NOT NULL, "order" TEXT);
  INSERT INTO Users VALUES (1, 'Ann@example.com', 1, NULL), (2, 'bob@example.com', 0, '2024-05-01 10:00:00'), (3, 'cy@example.com', 1, NULL);
  INSERT INTO Orders VALUES (10, 1, 12.5, 'a'), (11, 1, 7.25, 'b'), (12, 3, 100, 'c'), (13, 2, 1, 'd');
  CREATE VIEW live_users AS SELECT Id, lower(Email) AS email FROM Users WHERE DeletedAt IS NULL;
  CREATE VIEW user_totals (user_id, orders, spent) AS
    SELECT u.Id, count(*), sum(o.total) FROM Users u JOIN Orders AS o ON o.user_id = u.Id GROUP BY u.Id;
  CREATE VIEW big_spenders AS SELECT user_id FROM user_totals WHERE spent > 20;
  CREATE VIEW with_words AS SELECT id, "order" FROM Orders WHERE "order" LIKE 'A%' OR total BETWEEN 1 AND 8;
  CREATE VIEW recent AS SELECT Id FROM Users WHERE DeletedAt > datetime('now', '-7 days');
  CREATE VIEW active_users AS SELECT Id FROM Users WHERE Active = 1;
`;

describe('SQLite views', () => {
  it('creates the views whose SQL translates, answering as SQLite does; leaves out the others with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-views-'));
    const file = join(dir, 'app.db');
    const db = new Database(file);
    db.exec(schema);
    const sqliteAnswer = (view: string, order: string) => db.prepare(`SELECT * FROM ${view} ORDER BY ${order}`).raw(true).all().map((r) => (r as unknown[]).map((v) => String(v)));
    const expected = {
      live_users: sqliteAnswer('live_users', '1'),
      user_totals: sqliteAnswer('user_totals', '1'),
      big_spenders: sqliteAnswer('big_spenders', '1'),
      with_words: sqliteAnswer('with_words', '1'),
    };
    db.close();

    const target = await freshDatabase(await testServer(17));
    const run = await cli('migrate', '--from', `sqlite://${file}`, '--to', target.url, '--run-dir', join(dir, 'run'), '--no-backup');
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /view recent: the view \(its SELECT uses the function datetime\(\)\)/);
    assert.match(run.stdout, /view active_users: the view \(its SELECT uses the boolean column Active, which SQLite compares as a number\)/);
    assert.match(run.stdout, /Left out by the mapping[^\n]*view active_users[^\n]*view recent/);
    await withClient(target.url, async (client) => {
      const answer = async (view: string, order: string) =>
        (await client.query({ text: `SELECT * FROM public.${view} ORDER BY ${order}`, rowMode: 'array' })).rows.map((r: unknown[]) => r.map((v) => String(v)));
      assert.deepEqual(await answer('live_users', '1'), expected.live_users);
      // numeric(10,2) prints its scale where SQLite's REAL does not: compare as numbers.
      const totals = await answer('user_totals', '1');
      assert.deepEqual(totals.map((r) => r.map(Number)), expected.user_totals.map((r) => r.map(Number)));
      assert.deepEqual(await answer('big_spenders', '1'), expected.big_spenders);
      assert.deepEqual(await answer('with_words', '1'), expected.with_words);
      const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_views WHERE schemaname = 'public'");
      assert.equal(rows[0]!.n, '4');
    });
  });
});
