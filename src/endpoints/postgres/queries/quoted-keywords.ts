/** The keywords quote_ident quotes: every keyword but the unreserved ones. */
import { runQuery, type Session } from '../run-query.js';

export async function readQuotedKeywords(session: Session): Promise<Set<string>> {
  const rows = await runQuery<{ word: string }>(session, 'keywords', `SELECT word FROM pg_catalog.pg_get_keywords() WHERE catcode <> 'U'`);
  return new Set(rows.map((r) => r.word));
}
