/** The compression methods a server offers for TOAST values: pglz always, lz4 only where it was built with it. */
import { runQuery, type Session } from '../run-query.js';

export async function listToastCompressions(session: Session): Promise<string[]> {
  const [row] = await runQuery<{ methods: string[] | null }>(
    session,
    'compression methods (default_toast_compression)',
    `SELECT enumvals::text[] AS methods FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  return row?.methods ?? ['pglz'];
}
