/** One query on its own short-lived session: the bench's setup and checks never share a session with a timed tool. */
import pg from 'pg';

export async function queryOnce<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
