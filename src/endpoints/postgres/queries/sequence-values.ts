/** Every user sequence's exact state (last_value and is_called), read from the source and set on the target as it is. */
import type { SequenceValue } from '../../endpoint.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema, qualifiedName } from '../sql.js';

export type { SequenceValue } from '../../endpoint.js';

/** Sequences read per query: one UNION ALL of this many relations stays a small statement. */
const batchSize = 500;

async function listSequenceNames(session: Session): Promise<Array<{ schema: string; name: string }>> {
  return runQuery<{ schema: string; name: string }>(
    session,
    'sequences',
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_class', 'c.oid')}
      ORDER BY 1, 2`,
  );
}

/**
 * pg_sequence_last_value() and pg_sequences hide last_value when is_called is false, so each sequence relation is
 * read itself, many in one statement.
 */
export async function readSequenceValues(session: Session): Promise<SequenceValue[]> {
  const names = await listSequenceNames(session);
  const values: SequenceValue[] = [];
  for (let i = 0; i < names.length; i += batchSize) {
    const batch = names.slice(i, i + batchSize);
    const sql = batch
      .map((s, n) => `SELECT ${n} AS n, last_value::text AS last_value, is_called FROM ${qualifiedName(s.schema, s.name)}`)
      .join('\nUNION ALL\n');
    const rows = await runQuery<{ n: number; last_value: string; is_called: boolean }>(session, 'sequence values', `${sql}\nORDER BY 1`);
    for (const row of rows) values.push({ ...batch[row.n]!, lastValue: row.last_value, isCalled: row.is_called });
  }
  return values;
}

/** setval(…, last_value, is_called) for every sequence, in one statement per batch. */
export async function setSequenceValues(session: Session, values: readonly SequenceValue[]): Promise<void> {
  for (let i = 0; i < values.length; i += batchSize) {
    const batch = values.slice(i, i + batchSize);
    await runQuery(
      session,
      'sequence values',
      `SELECT pg_catalog.setval(s.name::regclass, s.last_value, s.is_called)
         FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS s(name, last_value, is_called)`,
      [batch.map((v) => qualifiedName(v.schema, v.name)), batch.map((v) => v.lastValue), batch.map((v) => v.isCalled)],
    );
  }
}
