/**
 * Pure: primary keys, unique keys and foreign keys as the model's indexes and constraints, for sources whose schema
 * pgferry builds itself (SQLite, JSON) rather than reads from a catalog.
 */
import type { ConstraintStructure, ForeignKeyAction } from './constraint-structure.js';
import { qualifiedName, quoteIdent } from './ddl/quote.js';
import type { IndexKey, IndexStructure } from './index-structure.js';
import type { ConstraintDef, IndexDef, QualifiedName } from './schema-model.js';

export const noConstraint: Omit<ConstraintStructure, 'kind' | 'columns'> = {
  deferrable: false,
  initiallyDeferred: false,
  validated: true,
  noInherit: false,
  checkExpression: null,
  foreignKey: null,
  exclusion: null,
};

export function columnKey(column: string, descending = false): IndexKey {
  return { column, expression: null, opclass: null, opclassOptions: [], collation: null, descending, nulls: null };
}

function renderKey(key: IndexKey): string {
  return `${key.column !== null ? quoteIdent(key.column) : `(${key.expression})`}${key.descending ? ' DESC' : ''}`;
}

export function indexDefinition(name: string, table: QualifiedName, structure: IndexStructure): string {
  const where = structure.predicate ? ` WHERE ${structure.predicate}` : '';
  return `CREATE ${structure.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON ${qualifiedName(table.schema, table.name)} USING btree (${structure.keys.map(renderKey).join(', ')})${where}`;
}

export function structureOf(keys: readonly IndexKey[], unique: boolean, primary: boolean, predicate: string | null = null): IndexStructure {
  return { unique, primary, method: 'btree', keys, include: [], predicate, options: [], tablespace: null, nullsNotDistinct: false, valid: true };
}

/** A PRIMARY KEY or UNIQUE constraint named `name` on `columns` (PostgreSQL names). */
export function keyIndex(table: QualifiedName, kind: 'primary key' | 'unique', columns: readonly string[], name: string): IndexDef {
  const structure = structureOf(columns.map((c) => columnKey(c)), true, kind === 'primary key');
  return {
    table: { schema: table.schema, name: table.name },
    name,
    definition: `${kind === 'primary key' ? 'PRIMARY KEY' : 'UNIQUE'} (${columns.map(quoteIdent).join(', ')})`,
    indexDefinition: indexDefinition(name, table, structure),
    constraint: kind,
    structure,
    keyConstraint: { kind, columns, ...noConstraint },
    attachTo: null,
    onPartitionedTable: false,
  };
}

function actionClause(keyword: string, action: ForeignKeyAction): string {
  return action === 'no action' ? '' : ` ${keyword} ${action.toUpperCase()}`;
}

export interface ForeignKeySpec {
  readonly table: QualifiedName;
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: QualifiedName;
  readonly referencedColumns: readonly string[];
  readonly onUpdate: ForeignKeyAction;
  readonly onDelete: ForeignKeyAction;
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
}

/** A FOREIGN KEY constraint as the model states it. */
export function foreignKey(spec: ForeignKeySpec): ConstraintDef {
  const definition =
    `FOREIGN KEY (${spec.columns.map(quoteIdent).join(', ')}) REFERENCES ${qualifiedName(spec.references.schema, spec.references.name)}(${spec.referencedColumns.map(quoteIdent).join(', ')})` +
    `${actionClause('ON UPDATE', spec.onUpdate)}${actionClause('ON DELETE', spec.onDelete)}${spec.deferrable ? ` DEFERRABLE INITIALLY ${spec.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}` : ''}`;
  const structure: ConstraintStructure = {
    ...noConstraint,
    kind: 'foreign key',
    columns: [...spec.columns],
    deferrable: spec.deferrable,
    initiallyDeferred: spec.initiallyDeferred,
    foreignKey: { references: spec.references, referencedColumns: [...spec.referencedColumns], onUpdate: spec.onUpdate, onDelete: spec.onDelete, onDeleteColumns: [], match: 'simple' },
  };
  return { table: { schema: spec.table.schema, name: spec.table.name }, name: spec.name, kind: 'foreign key', definition, validated: true, onPartitionedTable: false, references: spec.references, structure };
}
