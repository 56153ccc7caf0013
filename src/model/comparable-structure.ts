/**
 * Pure: an index's or constraint's structure as the schema diff compares it. Expression texts are left out: each
 * major deparses them in its own words, and the definition text, restated on the target, compares them by meaning.
 * So are what migrate does not carry over: the tablespace, and an index's validity (the target builds it whole).
 */
import type { ConstraintStructure } from './constraint-structure.js';
import type { IndexStructure } from './index-structure.js';

export function comparableIndexStructure(index: IndexStructure): object {
  const { predicate, tablespace, valid, ...rest } = index;
  return {
    ...rest,
    partial: predicate !== null,
    keys: index.keys.map(({ expression, ...key }) => ({ ...key, isExpression: expression !== null })),
  };
}

export function comparableConstraintStructure(constraint: ConstraintStructure): object {
  const { checkExpression, exclusion, ...rest } = constraint;
  return { ...rest, exclusionOperators: exclusion?.map((e) => e.operator) ?? null };
}
