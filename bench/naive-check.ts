/**
 * The verification people write by hand: per table, a count and an md5 of every row's text in key order.
 * Timed two ways: one side then the other (as a script usually does), and both sides at once.
 */
import pg from 'pg';

async function checkOneSide(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string; key: string | null }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) FROM pg_index i
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = c.oid AND i.indisprimary) AS key
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = 'public'`,
    );
    for (const { name, key } of tables) {
      await client.query(`SELECT count(*) FROM ${name}`);
      await client.query(`SELECT md5(string_agg(t::text, '' ORDER BY ${key ?? 't::text'})) FROM ${name} t`);
    }
  } finally {
    await client.end();
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Source first, then target. Returns milliseconds. */
export function naiveCheckOneSideThenOther(sourceUrl: string, targetUrl: string): Promise<number> {
  return timed(async () => {
    await checkOneSide(sourceUrl);
    await checkOneSide(targetUrl);
  });
}

/** Source and target at the same time, one session each. Returns milliseconds. */
export function naiveCheckBothSidesAtOnce(sourceUrl: string, targetUrl: string): Promise<number> {
  return timed(() => Promise.all([checkOneSide(sourceUrl), checkOneSide(targetUrl)]));
}
