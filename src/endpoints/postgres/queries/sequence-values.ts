/** Every user sequence's current value, read from the source and set on the target (not guessed from max(id)). */
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema, qualifiedName } from '../sql.js';

export interface SequenceValue {
  readonly schema: string;
  readonly name: string;
  /** null: nextval was never called, the target's fresh sequence already starts right. */
  readonly lastValue: string | null;
}

export async function readSequenceValues(session: Session): Promise<SequenceValue[]> {
  const rows = await runQuery<{ schema: string; name: string; last_value: string | null }>(
    session,
    'sequence values',
    `SELECT n.nspname AS schema, c.relname AS name, pg_sequence_last_value(c.oid)::text AS last_value
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name, lastValue: r.last_value }));
}

export async function setSequenceValues(session: Session, values: readonly SequenceValue[]): Promise<void> {
  for (const value of values.filter((v) => v.lastValue !== null)) {
    await runQuery(session, `the value of ${value.schema}.${value.name}`, 'SELECT pg_catalog.setval($1::regclass, $2::bigint, true)', [
      qualifiedName(value.schema, value.name),
      value.lastValue,
    ]);
  }
}
