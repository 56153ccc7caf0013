/** Pure: statements for what comes after the data — indexes, key constraints, foreign keys, triggers, policies, comments. */
import { qualifiedName, quoteIdent, quoteLiteral } from './quote.js';
import type { ConstraintStructure } from '../constraint-structure.js';
import type { CommentDef, ConstraintDef, IndexDef, PolicyDef, TableDef, TriggerDef } from '../schema-model.js';

function tableName(item: { readonly table: { readonly schema: string; readonly name: string } }): string {
  return qualifiedName(item.table.schema, item.table.name);
}

/**
 * How a key constraint is built. ALTER TABLE … ADD PRIMARY KEY holds an exclusive lock for the whole build, so
 * other index builds on the table would wait; building the unique index first (a share lock, like any index) and
 * then adding the constraint USING that index keeps a table's builds parallel. Exclusion constraints, deferrable
 * ones and those of partitioned tables cannot be added that way and are built by ALTER TABLE.
 */
/** The constraint kinds ALTER TABLE … ADD CONSTRAINT … USING INDEX takes, with the keyword it takes them by. */
const usingIndexKeywords: Partial<Record<ConstraintStructure['kind'], string>> = { 'primary key': 'PRIMARY KEY', unique: 'UNIQUE' };

export function renderIndex(index: IndexDef): { readonly build: string; readonly constraint: string | null } {
  if (index.constraint === null) return { build: index.definition, constraint: null };
  const table = tableName(index);
  const keyword = index.keyConstraint && usingIndexKeywords[index.keyConstraint.kind];
  if (keyword && !index.onPartitionedTable && !index.keyConstraint?.deferrable && !index.attachTo) {
    return { build: index.indexDefinition, constraint: `ALTER TABLE ONLY ${table} ADD CONSTRAINT ${quoteIdent(index.name)} ${keyword} USING INDEX ${quoteIdent(index.name)}` };
  }
  return { build: `ALTER TABLE ONLY ${table} ADD CONSTRAINT ${quoteIdent(index.name)} ${index.definition}`, constraint: null };
}

/** Attaches a partition's index to its partitioned table's index, or null when there is nothing to attach. */
export function renderIndexAttach(index: IndexDef): string | null {
  if (!index.attachTo) return null;
  return `ALTER INDEX ${qualifiedName(index.attachTo.schema, index.attachTo.name)} ATTACH PARTITION ${qualifiedName(index.table.schema, index.name)}`;
}

/**
 * Adding a validated foreign key takes a lock that blocks writes on both tables while every row is checked; added
 * NOT VALID it is instant, and VALIDATE checks the rows under a weaker lock, several in parallel. Partitioned
 * tables refuse NOT VALID foreign keys (before PostgreSQL 18), so theirs are added whole; so are those referencing a
 * partitioned table, whose per-partition clones VALIDATE leaves unvalidated on some servers (17).
 */
export function renderConstraint(constraint: ConstraintDef, referencesPartitionedTable = false): { readonly add: string; readonly validate: string | null } {
  const only = constraint.onPartitionedTable ? '' : 'ONLY ';
  const deferValidation = constraint.kind === 'foreign key' && constraint.validated && !constraint.onPartitionedTable && !referencesPartitionedTable;
  const add = `ALTER TABLE ${only}${tableName(constraint)} ADD CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition}${deferValidation ? ' NOT VALID' : ''}`;
  const validate = deferValidation ? `ALTER TABLE ${tableName(constraint)} VALIDATE CONSTRAINT ${quoteIdent(constraint.name)}` : null;
  return { add, validate };
}

const triggerStates: Record<TriggerDef['enabled'], string | null> = { O: null, D: 'DISABLE TRIGGER', R: 'ENABLE REPLICA TRIGGER', A: 'ENABLE ALWAYS TRIGGER' };

export function renderTrigger(trigger: TriggerDef): string[] {
  const state = triggerStates[trigger.enabled];
  return [trigger.definition, ...(state ? [`ALTER TABLE ${tableName(trigger)} ${state} ${quoteIdent(trigger.name)}`] : [])];
}

export function renderRowSecurity(table: TableDef): string[] {
  const name = qualifiedName(table.schema, table.name);
  return [
    ...(table.rowSecurity.enabled ? [`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`] : []),
    ...(table.rowSecurity.forced ? [`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`] : []),
  ];
}

/** `roles` are the policy's roles mapped to target roles, one for each; an empty policy list means PUBLIC. */
export function renderPolicy(policy: PolicyDef, roles: readonly string[]): string {
  if (roles.length !== policy.roles.length) throw new Error(`policy ${policy.name}: ${policy.roles.length} role(s) but ${roles.length} mapped`);
  return [
    `CREATE POLICY ${quoteIdent(policy.name)} ON ${tableName(policy)}`,
    `AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${policy.command}`,
    `TO ${roles.length > 0 ? roles.map(quoteIdent).join(', ') : 'PUBLIC'}`,
    policy.using !== null ? `USING (${policy.using})` : '',
    policy.withCheck !== null ? `WITH CHECK (${policy.withCheck})` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function renderComment(comment: CommentDef): string {
  return `COMMENT ON ${comment.target} IS ${quoteLiteral(comment.text)}`;
}
