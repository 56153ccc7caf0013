/** A table without a key is verified by server-side bucket digests: its rows are never all fetched, equal or not. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verify } from '../src/api/verify.js';
import { byteCountingProxy, type ByteCountingProxy } from './harness/byte-counting-proxy.js';
import { freshDatabase, testServer, withClient, type TestServer } from './harness/servers.js';

const rows = 200_000;
/** Every row twice: 100,000 distinct rows of about 30 bytes of text each. */
const table = `CREATE TABLE ledger (account int, kind text, amount numeric(12, 2));
               INSERT INTO ledger SELECT g % ${rows / 2}, 'kind ' || (g % ${rows / 2} % 7), (g % ${rows / 2}) * 1.25 FROM generate_series(1, ${rows}) g`;

describe('verify of a table without a key, 14 → 17', () => {
  let sourceServer: TestServer;
  let targetServer: TestServer;
  const proxies: ByteCountingProxy[] = [];

  before(async () => {
    sourceServer = await testServer(14);
    targetServer = await testServer(17);
  });
  after(async () => Promise.all(proxies.map((p) => p.close())));

  /** The pair's URLs through byte-counting proxies, so what verify fetched is measured outside pgferry. */
  async function proxiedPair(targetChange: string): Promise<{ source: string; target: string; fetched: () => number }> {
    const a = await freshDatabase(sourceServer, table);
    const b = await freshDatabase(targetServer, `ALTER SCHEMA public OWNER TO postgres; GRANT CREATE ON SCHEMA public TO PUBLIC; ${table}; ${targetChange}`);
    const [p, q] = [await byteCountingProxy(sourceServer.port), await byteCountingProxy(targetServer.port)];
    proxies.push(p, q);
    const at = (server: TestServer, port: number, db: string) => server.url(db).replace(`:${server.port}/`, `:${port}/`);
    return { source: at(sourceServer, p.port, a.name), target: at(targetServer, q.port, b.name), fetched: () => p.bytesFromServer + q.bytesFromServer };
  }

  /** What fetching every row's key and hash from both sides would cost at the least: 100,000 distinct rows × 2 sides × 40 bytes. */
  const allRowHashes = (rows / 2) * 2 * 40;

  it('200,000 equal rows: equal, from digests alone', async () => {
    const pair = await proxiedPair('');
    const result = await verify({ overrides: { source: pair.source, target: pair.target } });
    assert.ok(result.status === 'equal', JSON.stringify(result).slice(0, 2000));
    const ledger = result.tables.find((t) => t.table === 'public.ledger')!;
    assert.deepEqual([ledger.sourceRows, ledger.targetRows, ledger.content], [rows, rows, 'equal']);
    assert.ok(pair.fetched() < allRowHashes / 20, `verify fetched ${pair.fetched()} bytes`);
  });

  it('one copy of a duplicated row changed: different, both rows shown, without fetching every row', async () => {
    const pair = await proxiedPair("UPDATE ledger SET amount = -1 WHERE ctid = (SELECT ctid FROM ledger WHERE account = 777 LIMIT 1)");
    // Independent oracle: the source holds that row twice, the target once, plus the changed copy.
    const copies = (url: string) =>
      withClient(url, async (c) => (await c.query<{ row: string; n: number }>("SELECT l::text AS row, count(*)::int AS n FROM ledger l WHERE account = 777 GROUP BY 1 ORDER BY 1")).rows);
    assert.deepEqual(await copies(pair.source), [{ row: '(777,"kind 0",971.25)', n: 2 }]);
    assert.deepEqual(await copies(pair.target), [{ row: '(777,"kind 0",-1.00)', n: 1 }, { row: '(777,"kind 0",971.25)', n: 1 }]);
    const before = pair.fetched();
    const result = await verify({ overrides: { source: pair.source, target: pair.target } });
    assert.ok(result.status === 'different', JSON.stringify(result).slice(0, 2000));
    const ledger = result.tables.find((t) => t.table === 'public.ledger')!;
    assert.deepEqual([ledger.sourceRows, ledger.targetRows, ledger.content, ledger.differingRows, ledger.differingRowsExact], [rows, rows, 'different', 2, true]);
    // One of the two copies is missing on the target (which still shows the other), and the changed copy is extra.
    const shown = ledger.differences.map((d) => [d.kind, d.source ?? null, d.target ?? null]).sort();
    assert.deepEqual(shown, [
      ['extra', null, '(777,"kind 0",-1.00)'],
      ['missing', '(777,"kind 0",971.25)', '(777,"kind 0",971.25)'],
    ]);
    const fetched = pair.fetched() - before;
    console.log(`verify of a changed keyless table fetched ${fetched} bytes`);
    assert.ok(fetched < allRowHashes / 10, `verify fetched ${fetched} bytes, close to every row's hash (${allRowHashes})`);
  });
});
