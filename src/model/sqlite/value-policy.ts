/**
 * Pure: what happens to a SQLite value its column's PostgreSQL type does not take (SQLite stores whatever it is
 * given: 'abc' in an INTEGER column, 2 in a BOOLEAN). reject: the row is set aside in the reject file; null: the
 * value becomes NULL (logged); widen: the column gets a type that takes every value; fail: the table fails.
 */
import { pgText, type SqliteValue } from './pg-text-value.js';

export type ValuePolicy = 'reject' | 'null' | 'widen' | 'fail';

/** A plan's per-column rule, names as SQLite spells them (compared ignoring ASCII case, as SQLite does). */
export interface ColumnRule {
  readonly table: string;
  readonly column: string;
  readonly type?: string;
  readonly values?: ValuePolicy;
}

export interface ValuePolicies {
  readonly values: ValuePolicy;
  readonly columns: readonly ColumnRule[];
}

export const defaultValuePolicies: ValuePolicies = { values: 'reject', columns: [] };

/** SQLite folds only ASCII letters when it compares names. */
export function sameSqliteName(a: string, b: string): boolean {
  return a.replace(/[A-Z]/g, (c) => c.toLowerCase()) === b.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function columnRule(rules: readonly ColumnRule[], table: string, column: string): ColumnRule | undefined {
  return rules.find((r) => sameSqliteName(r.table, table) && sameSqliteName(r.column, column));
}

export function policyOf(policies: ValuePolicies, table: string, column: string): ValuePolicy {
  return columnRule(policies.columns, table, column)?.values ?? policies.values;
}

/**
 * The types a column of `type` may widen to, narrowest first: each takes every value the ones before it take, so
 * widening one step at a time while scanning keeps every value seen so far.
 */
function wider(type: string): readonly string[] {
  if (type === 'smallint' || type === 'integer') return ['bigint', 'numeric', 'text', 'bytea'];
  if (type === 'bigint') return ['numeric', 'text', 'bytea'];
  if (type === 'boolean') return ['bigint', 'numeric', 'text', 'bytea'];
  if (type.startsWith('numeric')) return type === 'numeric' ? ['text', 'bytea'] : ['numeric', 'text', 'bytea'];
  if (type === 'bytea') return [];
  if (type === 'text') return ['bytea'];
  return ['text', 'bytea'];
}

/**
 * The narrowest type wider than `type` that takes every one of `values` (the value that needs it and those the
 * column held before), or null when none does (a column holding both numbers and bytes no text can carry): the
 * value is then rejected.
 *
 * @example widenedType('bigint', ['abc', 1n]) // 'text'
 * @example widenedType('boolean', [2n, 0n]) // 'bigint'
 */
export function widenedType(type: string, values: readonly SqliteValue[]): string | null {
  return wider(type).find((candidate) => values.every((value) => !('rejected' in pgText(value, candidate)))) ?? null;
}
