/** The database's default collation provider and version; the columns moved between majors, so a lookup table picks the query. */
import type { CollationFacts } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';

const providerNames: Readonly<Record<string, string>> = { c: 'libc', i: 'icu', b: 'builtin', d: 'default' };

/** Query per range of majors, newest first: the first whose minimum the server meets is used. */
const collationQueries: ReadonlyArray<{ readonly minMajor: number; readonly sql: string }> = [
  {
    minMajor: 17,
    sql: `SELECT datlocprovider AS provider, datcollate AS collate, datctype AS ctype, datlocale AS locale,
                 datcollversion AS recorded_version, pg_database_collation_actual_version(oid) AS actual_version
            FROM pg_database WHERE datname = current_database()`,
  },
  {
    minMajor: 15,
    sql: `SELECT datlocprovider AS provider, datcollate AS collate, datctype AS ctype, daticulocale AS locale,
                 datcollversion AS recorded_version, pg_database_collation_actual_version(oid) AS actual_version
            FROM pg_database WHERE datname = current_database()`,
  },
  {
    minMajor: 0,
    sql: `SELECT 'c' AS provider, datcollate AS collate, datctype AS ctype, NULL AS locale,
                 NULL AS recorded_version, NULL AS actual_version
            FROM pg_database WHERE datname = current_database()`,
  },
];

interface CollationRow {
  provider: string;
  collate: string;
  ctype: string;
  locale: string | null;
  recorded_version: string | null;
  actual_version: string | null;
}

export async function readCollationFacts(session: Session, major: number): Promise<CollationFacts> {
  const query = collationQueries.find((q) => major >= q.minMajor)!;
  const [row] = await runQuery<CollationRow>(session, 'database collation', query.sql);
  return {
    provider: providerNames[row!.provider] ?? row!.provider,
    collate: row!.collate,
    ctype: row!.ctype,
    locale: row!.locale,
    recordedVersion: row!.recorded_version,
    actualVersion: row!.actual_version,
  };
}
