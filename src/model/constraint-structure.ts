/** The structure of a constraint, read from pg_constraint beside its definition text, so decisions never parse DDL. */
import type { QualifiedName } from './schema-model.js';

export type ForeignKeyAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ForeignKeyStructure {
  readonly references: QualifiedName;
  readonly referencedColumns: readonly string[];
  readonly onUpdate: ForeignKeyAction;
  readonly onDelete: ForeignKeyAction;
  /** ON DELETE SET NULL / SET DEFAULT (columns), PostgreSQL 15 and later; empty for all of them. */
  readonly onDeleteColumns: readonly string[];
  readonly match: 'simple' | 'full' | 'partial';
}

/** One element of an exclusion constraint: the indexed column or expression and the operator it is compared with. */
export interface ExclusionElement {
  /** The column name, or the expression as the server deparses it. */
  readonly element: string;
  /** Qualified operator name, e.g. "pg_catalog.&&". */
  readonly operator: string;
}

export interface ConstraintStructure {
  readonly kind: 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion';
  /** The constrained columns in order (conkey); for a check, the columns its expression uses. */
  readonly columns: readonly string[];
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
  readonly validated: boolean;
  /** A check marked NO INHERIT. */
  readonly noInherit: boolean;
  /** A check's expression as the server deparses it; null for other kinds. */
  readonly checkExpression: string | null;
  readonly foreignKey: ForeignKeyStructure | null;
  /** An exclusion constraint's elements; null for other kinds. */
  readonly exclusion: readonly ExclusionElement[] | null;
}
