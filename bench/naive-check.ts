/** The verification people write by hand: per table, a count and an md5 of every row's text in key order, one side then the other. */
import pg from 'pg';

export async function naiveCheck(sourceUrl: string, targetUrl: string): Promise<number> {
  const started = Date.now();
  for (const url of [sourceUrl, targetUrl]) {
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
  return Date.now() - started;
}
