/** Objects of kinds pgferry does not migrate, listed by name so nothing is skipped silently. */
import type { UnsupportedObject } from '../../../model/inventory.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember } from '../sql.js';

/** One query per kind; each returns the objects' names. Extension members are left out: the extension brings them. */
const unsupportedKinds: ReadonlyArray<{ readonly kind: string; readonly sql: string }> = [
  {
    // Plain foreign tables migrate; those that are a partition or an inheritance child do not yet.
    kind: 'foreign table partition or child',
    sql: `SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'f' AND (c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid))
             AND ${isNotExtensionMember('pg_class', 'c.oid')}`,
  },
  {
    kind: 'subscription',
    sql: 'SELECT quote_ident(subname) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
  },
];

export async function listUnsupportedObjects(session: Session): Promise<UnsupportedObject[]> {
  const union = unsupportedKinds
    .map((k, i) => `SELECT ${i} AS kind, name FROM (${k.sql}) AS k${i}(name)`)
    .join('\n UNION ALL ');
  const rows = await runQuery<{ kind: number; name: string }>(session, 'objects pgferry does not migrate', `${union}\n ORDER BY 1, 2`);
  return rows.map((r) => ({ kind: unsupportedKinds[r.kind]!.kind, name: r.name }));
}
