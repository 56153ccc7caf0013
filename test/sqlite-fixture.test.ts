/** The quirky SQLite fixture holds every case it names, checked with SQLite's own typeof() and catalog queries. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildQuirkyFixture, schemaCases, valueCases } from './fixtures/sqlite/quirky.js';

describe('the quirky SQLite fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-sqlite-fixture-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'quirky.sqlite');
  const rowids = buildQuirkyFixture(path);
  const db = new Database(path, { readonly: true });
  after(() => db.close());
  const one = (sql: string, ...params: unknown[]): Record<string, unknown> =>
    (db.prepare(sql).get(...params) as Record<string, unknown> | undefined) ?? {};

  it('stores every value case with the storage class it names, one row each', () => {
    const names = new Set(valueCases.map((c) => c.name));
    assert.equal(names.size, valueCases.length, 'case names are unique');
    assert.equal(one('SELECT count(*) AS n FROM junk').n, valueCases.length);
    for (const c of valueCases) {
      const row = one(`SELECT typeof(${c.column}) AS t, case_name FROM junk WHERE rowid = ?`, rowids.get(c.name));
      assert.equal(row.case_name, c.name);
      assert.equal(row.t, c.storage, c.name);
    }
  });

  it('keeps the exact bytes of the cases PostgreSQL text cannot hold', () => {
    const hex = (name: string, column: string): unknown => one(`SELECT hex(${column}) AS h FROM junk WHERE case_name = ?`, name).h;
    assert.equal(hex('text-with-nul', 'body'), '610062');
    assert.equal(hex('text-invalid-utf8', 'body'), '61C328FF');
    assert.equal(hex('blob-empty', 'data'), '');
    assert.equal(one(`SELECT score = 0.30000000000000004 AS ok FROM junk WHERE case_name = 'real-needs-17-digits'`).ok, 1);
    assert.equal((db.prepare(`SELECT n AS v FROM junk WHERE case_name = 'integer-max-int64'`).safeIntegers().get() as { v: bigint }).v, 9223372036854775807n);
  });

  it('holds every schema case, each proved by its own query', () => {
    assert.equal(new Set(schemaCases.map((c) => c.name)).size, schemaCases.length, 'case names are unique');
    for (const c of schemaCases) assert.equal(one(c.check).v, c.expect, c.name);
  });
});
