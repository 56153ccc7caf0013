import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';
import { freshDatabase, testServer, withClient } from './harness/servers.js';

/** Everything the server deparses: views with joins, aggregates, CASE and casts; defaults; checks; indexes; policies; triggers; generated columns. */
const fixture = `
CREATE SCHEMA shop;
CREATE TYPE shop.status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN shop.positive AS integer DEFAULT 1 CONSTRAINT positive_check CHECK (VALUE > 0 AND VALUE < 1000);
CREATE TABLE shop.customers (
  id integer PRIMARY KEY, name text NOT NULL, email text, tier shop.positive,
  created timestamptz DEFAULT now(), level integer DEFAULT 1 CHECK (level BETWEEN 1 AND 3));
CREATE TABLE shop.orders (
  id bigserial PRIMARY KEY, customer_id integer REFERENCES shop.customers,
  status shop.status NOT NULL DEFAULT 'new', amount numeric(10, 2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
  placed date DEFAULT CURRENT_DATE, note text DEFAULT ''::text, tags text[] DEFAULT '{}',
  total_cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED,
  CONSTRAINT shipped_paid CHECK (status <> 'shipped' OR amount > 0));
ALTER TABLE shop.orders ADD CONSTRAINT recent CHECK (placed > '2000-01-01'::date) NOT VALID;
CREATE INDEX orders_open ON shop.orders (customer_id) WHERE status <> 'shipped';
CREATE INDEX orders_expr ON shop.orders (lower(note), (amount * 2)) WHERE amount > 10::numeric;
CREATE UNIQUE INDEX customers_email ON shop.customers (lower(email)) WHERE email IS NOT NULL;
CREATE VIEW shop.order_summary AS
  SELECT c.name, count(*) AS n, sum(o.amount) AS total,
         CASE WHEN sum(o.amount) > 100 THEN 'big' WHEN sum(o.amount) > 10 THEN 'medium' ELSE 'small' END AS size
    FROM shop.customers c JOIN shop.orders o ON o.customer_id = c.id LEFT JOIN shop.orders o2 ON o2.id = o.id + 1
   WHERE o.status <> 'new' GROUP BY c.name HAVING count(*) > 0;
CREATE VIEW shop.paid AS SELECT id, amount::integer AS whole, placed::text AS day, tags[1] AS first_tag FROM shop.orders WHERE status = 'paid';
CREATE VIEW shop.recent_orders AS SELECT * FROM shop.orders WHERE placed > CURRENT_DATE - 30 ORDER BY id;
CREATE VIEW shop.tiers AS SELECT level, coalesce(max(tier), 0) AS top FROM shop.customers GROUP BY level
  UNION ALL SELECT 0, count(*)::integer FROM shop.customers WHERE email LIKE '%@example.com';
CREATE MATERIALIZED VIEW shop.level_totals AS
  SELECT customers.level, sum(orders.amount) AS total FROM shop.customers JOIN shop.orders ON orders.customer_id = customers.id GROUP BY customers.level;
CREATE INDEX level_totals_total ON shop.level_totals ((total::integer));
CREATE FUNCTION shop.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON shop.orders FOR EACH ROW
  WHEN (OLD.amount IS DISTINCT FROM NEW.amount AND NEW.status <> 'new') EXECUTE FUNCTION shop.touch();
ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON shop.orders FOR SELECT USING (customer_id IN (SELECT id FROM shop.customers WHERE name = current_user));
CREATE POLICY cheap ON shop.orders FOR INSERT WITH CHECK (amount < 1000::numeric AND status = 'new');
INSERT INTO shop.customers (id, name, email, tier, level) SELECT g, 'c' || g, 'c' || g || '@example.com', g, 1 + g % 3 FROM generate_series(1, 30) g;
INSERT INTO shop.orders (customer_id, status, amount, note, tags)
  SELECT 1 + g % 30, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3]::shop.status, g * 1.5, 'n' || g, ARRAY['t' || g] FROM generate_series(1, 200) g;
REFRESH MATERIALIZED VIEW shop.level_totals;
`;

/** What each view returns, hashed by the server: an oracle independent of how the definitions are written. */
async function viewContents(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const out: Record<string, string> = {};
    for (const view of ['shop.order_summary', 'shop.paid', 'shop.recent_orders', 'shop.tiers', 'shop.level_totals']) {
      const { rows } = await c.query(`SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${view} t`);
      out[view] = `${rows[0].n} ${rows[0].h}`;
    }
    return out;
  });
}

for (const [from, to] of [[14, 16], [15, 17], [14, 18], [16, 18]] as const) {
  describe(`case 16: deparsed definitions after a ${from} → ${to} migration`, () => {
    it(`case 16: views, defaults, checks, indexes, policies, trigger WHEN and generated columns verify EQUAL ${from} → ${to}, and a changed view WHERE is still found`, async () => {
      const source = await freshDatabase(await testServer(from), fixture);
      const targetServer = await testServer(to);
      const target = await freshDatabase(targetServer);
      const run = await cli('migrate', '--from', source.url, '--to', target.url, '--run-dir', mkdtempSync(join(tmpdir(), 'pgferry-deparse-')));
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(await viewContents(target.url), await viewContents(source.url));
      const verify = await cli('verify', '--from', source.url, '--to', target.url);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /Schema: ✓ equal/);

      await withClient(target.url, (c) =>
        c.query(`CREATE OR REPLACE VIEW shop.paid AS SELECT id, amount::integer AS whole, placed::text AS day, tags[1] AS first_tag FROM shop.orders WHERE status = 'shipped';
                 ALTER TABLE shop.orders DROP CONSTRAINT shipped_paid, ADD CONSTRAINT shipped_paid CHECK (status <> 'shipped' OR amount >= 0)`),
      );
      const changed = await cli('verify', '--from', source.url, '--to', target.url, '--json');
      assert.equal(changed.code, 1, changed.stdout);
      const differences = (JSON.parse(changed.stdout).schema as Array<{ object: string; property: string; source: string; target: string }>).map(
        (d) => `${d.object}: ${d.property}: ${d.source.replace(/\s+/g, ' ')} → ${d.target.replace(/\s+/g, ' ')}`,
      );
      assert.equal(differences.length, 2, differences.join('\n'));
      assert.match(differences[0]!, /^table shop\.orders: checks\.shipped_paid\.definition: .*amount > .* → .*amount >= /);
      assert.match(differences[1]!, /^view shop\.paid: query: .*'paid'.* → .*'shipped'/);
    });
  });
}
