/**
 * Sequences after a migration: each one's value on the target must be at least the source's, and at least the
 * largest value of the column it feeds, or the application's next insert collides.
 */
import { readSequenceValues } from '../endpoints/postgres/queries/sequence-values.js';
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { qualifiedName, quoteIdent } from '../endpoints/postgres/sql.js';
import { sequencesOf, tablesOf, type QualifiedName, type SchemaModel } from '../model/schema-model.js';

export interface SequenceProblem {
  readonly sequence: string;
  readonly problem: string;
}

/** The column each sequence feeds (OWNED BY, or an identity column). */
function fedColumns(model: SchemaModel): Map<string, { table: QualifiedName; column: string }> {
  const fed = new Map<string, { table: QualifiedName; column: string }>();
  for (const s of sequencesOf(model)) if (s.ownedBy) fed.set(`${s.schema}.${s.name}`, s.ownedBy);
  for (const t of tablesOf(model)) {
    for (const c of t.columns) if (c.identity) fed.set(`${c.identity.sequence.schema}.${c.identity.sequence.name}`, { table: t, column: c.name });
  }
  return fed;
}

export async function verifySequences(source: Session, target: Session, targetModel: SchemaModel): Promise<SequenceProblem[]> {
  const [a, b] = await Promise.all([readSequenceValues(source), readSequenceValues(target)]);
  const targetValues = new Map(b.map((v) => [`${v.schema}.${v.name}`, v.lastValue]));
  const fed = fedColumns(targetModel);
  const problems: SequenceProblem[] = [];
  for (const v of a) {
    const name = `${v.schema}.${v.name}`;
    if (!targetValues.has(name)) continue; // a missing sequence is a schema difference
    const value = targetValues.get(name) ?? null;
    if (v.lastValue !== null && (value === null || BigInt(value) < BigInt(v.lastValue))) {
      problems.push({ sequence: name, problem: `at ${value ?? 'its start (never used)'} on the target, behind the source's ${v.lastValue}` });
      continue;
    }
    const column = fed.get(name);
    if (!column) continue;
    const [row] = await runQuery<{ max: string | null }>(
      target,
      `the largest ${column.column} of ${column.table.schema}.${column.table.name}`,
      `SELECT max(${quoteIdent(column.column)})::text AS max FROM ${qualifiedName(column.table.schema, column.table.name)}`,
    );
    if (row?.max != null && (value === null || BigInt(value) < BigInt(row.max))) {
      problems.push({ sequence: name, problem: `at ${value ?? 'its start'} on the target, below the largest ${column.table.name}.${column.column} (${row.max})` });
    }
  }
  return problems;
}
