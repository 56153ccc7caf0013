/** Verify through the canonical client-side row hash (what a source without server-side digests gets) finds what the server-side path finds. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { verify } from '../src/api/verify.js';
import { canonicalRowHash, canonicalValue } from '../src/model/verify/canonical-row-hash.js';
import { freshDatabase, testServer, type TestServer } from './harness/servers.js';

describe('verify with the client-side canonical row hash (PostgreSQL 16 → 17)', () => {
  let sourceServer: TestServer;
  let targetServer: TestServer;
  before(async () => {
    [sourceServer, targetServer] = [await testServer(16), await testServer(17)];
  });

  const shared = `CREATE TABLE items (id int8 PRIMARY KEY, label text, price numeric, weight float8, seen boolean, data bytea, at timestamptz);
    INSERT INTO items SELECT g, 'item ' || g, g / 4.0, g * 0.5, g % 2 = 0, decode(md5(g::text), 'hex'), '2024-01-01'::timestamptz + g * interval '1 minute'
      FROM generate_series(1, 30000) g;
    CREATE TABLE tags (name text, n int)`;

  it('calls equal copies equal and finds the one row changed on the target, by key', async () => {
    const source = await freshDatabase(sourceServer, shared);
    const target = await freshDatabase(targetServer, shared);
    const equal = await verify({ overrides: { source: source.url, target: target.url }, clientHash: true, tables: ['public.*'] });
    assert.equal(equal.status, 'equal', JSON.stringify(equal).slice(0, 2000));

    const changedTarget = await freshDatabase(targetServer, `${shared}; UPDATE items SET price = price + 0.01 WHERE id = 12345`);
    const result = await verify({ overrides: { source: source.url, target: changedTarget.url }, clientHash: true, tables: ['public.items'] });
    assert.equal(result.status, 'different', JSON.stringify(result));
    if (result.status !== 'different') return;
    const items = result.tables.find((t) => t.table === 'public.items')!;
    assert.equal(items.content, 'different');
    assert.equal(items.differingRows, 1);
    assert.deepEqual(items.differences.map((d) => [d.kind, d.key]), [['different', '12345']]);
    assert.match(items.differences[0]!.source ?? '', /3086\.25/);
    assert.match(items.differences[0]!.target ?? '', /3086\.26/);
  });

  it('narrows a table without a key down by hash buckets, as the server-side path does', async () => {
    // 100,000 rows, every one twice: more than one level of buckets before rows are compared.
    const ledger = `CREATE TABLE ledger (account int, kind text);
      INSERT INTO ledger SELECT g % 50000, 'kind ' || (g % 7) FROM generate_series(1, 100000) g`;
    const source = await freshDatabase(sourceServer, ledger);
    const target = await freshDatabase(targetServer, `${ledger}; UPDATE ledger SET kind = 'changed' WHERE ctid = (SELECT ctid FROM ledger WHERE account = 777 LIMIT 1)`);
    const outcome = async (clientHash: boolean) => {
      const result = await verify({ overrides: { source: source.url, target: target.url }, clientHash, tables: ['public.ledger'] });
      assert.equal(result.status, 'different', JSON.stringify(result).slice(0, 2000));
      const table = result.tables.find((t) => t.table === 'public.ledger')!;
      return [table.differingRows, table.differingRowsExact, table.differences.map((d) => [d.kind, d.source ?? null, d.target ?? null]).sort()];
    };
    const onClient = await outcome(true);
    assert.deepEqual(onClient[0], 2);
    assert.deepEqual(onClient, await outcome(false));
  });

  it('normalizes what prints differently for one value, and keeps apart what an application can tell apart', () => {
    assert.equal(canonicalValue('int4', '+007'), '7');
    assert.equal(canonicalValue('float8', '1.50'), '1.5');
    assert.equal(canonicalValue('float8', '-0'), '-0');
    assert.notEqual(canonicalValue('numeric', '1.0'), canonicalValue('numeric', '1.00'));
    assert.equal(canonicalValue('bool', 'true'), 't');
    assert.notEqual(canonicalRowHash(['text'], [null]), canonicalRowHash(['text'], ['']));
    assert.notEqual(canonicalRowHash(['text', 'text'], ['a', 'bc']), canonicalRowHash(['text', 'text'], ['ab', 'c']));
  });
});
