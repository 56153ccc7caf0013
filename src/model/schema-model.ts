/**
 * The neutral schema model: what a database holds, read by an endpoint (PostgreSQL from its catalogs; SQLite
 * and JSON later) and read by DDL rendering, the schema diff and verification. Names are unquoted; SQL
 * fragments (types, defaults, definitions) are already in the target's dialect and fully qualified. Indexes and
 * constraints carry their structure beside their definition text: DDL is rendered from the text, decisions are
 * taken from the structure.
 */
import type { AccessModel } from './access-model.js';
import type { ConstraintStructure } from './constraint-structure.js';
import type { IndexStructure } from './index-structure.js';
import type { ServerObjects } from './server-objects.js';

/** A schema-qualified name. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/** One privilege granted on an object; `grantee` null means PUBLIC. */
export interface Grant {
  readonly grantee: string | null;
  readonly privilege: string;
  readonly grantable: boolean;
}

/** Fields every owned object shares. `key` is endpoint-local and only used to order objects by dependency. */
export interface OwnedObject extends QualifiedName {
  readonly key: string;
  readonly owner: string;
  /** null: the server's default privileges; otherwise the full list (so a revoked default shows). */
  readonly grants: readonly Grant[] | null;
}

export interface SchemaDef {
  readonly name: string;
  readonly owner: string;
  readonly grants: readonly Grant[] | null;
}

export interface ExtensionDef {
  readonly name: string;
  readonly schema: string;
  readonly version: string;
}

export interface RoleDef {
  readonly name: string;
  readonly canLogin: boolean;
  readonly inherit: boolean;
  readonly createDb: boolean;
  readonly createRole: boolean;
  readonly connectionLimit: number;
  /** Attributes only a superuser may give: set on a created role one by one, each refusal warned. */
  readonly superuser: boolean;
  readonly replication: boolean;
  readonly bypassRls: boolean;
  /** VALID UNTIL as UTC text ("2031-01-01 00:00:00.000000+00", "infinity"); null: no limit. */
  readonly validUntil: string | null;
  /** The stored hash (SCRAM or md5) when the source let us read pg_authid; null when it did not or there is none. */
  readonly passwordHash: string | null;
  readonly passwordReadable: boolean;
}

export type TypeDef = OwnedObject & { readonly kind: 'type' } & (
    | { readonly variant: 'enum'; readonly labels: readonly string[] }
    | {
        readonly variant: 'domain';
        readonly baseType: string;
        readonly collation: string | null;
        readonly defaultValue: string | null;
        readonly notNull: boolean;
        readonly checks: readonly CheckDef[];
      }
    | { readonly variant: 'composite'; readonly attributes: readonly { readonly name: string; readonly type: string; readonly collation: string | null }[] }
    | { readonly variant: 'range'; readonly options: readonly string[] }
  );

export interface RoutineDef extends OwnedObject {
  readonly kind: 'routine';
  readonly routineKind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** Argument types as in a signature, e.g. "integer, text". */
  readonly identityArguments: string;
  /** The full CREATE statement. */
  readonly definition: string;
}

export interface SequenceOptions {
  readonly dataType: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

export interface SequenceDef extends OwnedObject, SequenceOptions {
  readonly kind: 'sequence';
  /** The column the sequence belongs to (OWNED BY), if any. */
  readonly ownedBy: { readonly table: QualifiedName; readonly column: string } | null;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly defaultValue: string | null;
  readonly collation: string | null;
  readonly identity: { readonly always: boolean; readonly sequence: QualifiedName & SequenceOptions } | null;
  /** Expression of a generated column; 'stored' columns are computed by the target, never copied. */
  readonly generated: { readonly expression: string; readonly kind: 'stored' | 'virtual' } | null;
}

export interface CheckDef {
  readonly name: string;
  readonly definition: string;
  /** False for a domain check the source holds NOT VALID (its definition then ends so); a table's checks here are validated. */
  readonly validated: boolean;
}

export interface TableDef extends OwnedObject {
  readonly kind: 'table';
  readonly persistence: 'permanent' | 'unlogged';
  readonly columns: readonly ColumnDef[];
  /**
   * Every column's name, inherited ones and a partition's too, in the table's order ("a, b, c"): what SELECT * and
   * COPY without a column list see. `columns` holds only those declared here and is compared by name.
   */
  readonly columnOrder: string;
  /** Validated CHECK constraints declared on this table (not inherited), created with it. */
  readonly checks: readonly CheckDef[];
  /** PARTITION BY clause body, e.g. "RANGE (created_at)", for a partitioned table. */
  readonly partitionKey: string | null;
  /** For a partition: its parent and bound ("FOR VALUES …" or "DEFAULT"). */
  readonly partitionOf: { readonly parent: QualifiedName; readonly bound: string } | null;
  /** Parents of a table that uses plain inheritance. */
  readonly inherits: readonly QualifiedName[];
  readonly options: readonly string[];
  readonly rowSecurity: { readonly enabled: boolean; readonly forced: boolean };
  /**
   * A partition whose columns stand in another order than its parent's (it was created on its own, then attached):
   * its columns in its own order and the validated CHECKs it inherits (ATTACH requires them), so it is created as a
   * table and attached, as pg_dump does. Absent otherwise.
   */
  readonly standalone?: { readonly columns: readonly ColumnDef[]; readonly inheritedChecks: readonly CheckDef[] };
}

export interface ViewDef extends OwnedObject {
  readonly kind: 'view';
  readonly materialized: boolean;
  /** A materialized view holds data (refreshed); false when created or refreshed WITH NO DATA. Always true for a view. */
  readonly populated: boolean;
  /** The SELECT (pg_get_viewdef). */
  readonly query: string;
  readonly options: readonly string[];
  /**
   * Translated from another dialect (a SQLite view): a target that refuses it leaves it out with OBJECT_REFUSED
   * instead of failing the run.
   */
  readonly translated?: boolean;
}

/** Kinds of catalog objects carried as one CREATE statement each (see CatalogObjectDef). */
export type CatalogObjectKind =
  | 'collation'
  | 'text search parser'
  | 'text search template'
  | 'text search dictionary'
  | 'text search configuration'
  | 'cast'
  | 'operator'
  | 'operator family'
  | 'operator class'
  | 'conversion';

/**
 * A collation, text search object, cast, operator, operator family or class, or conversion. Some kinds need a
 * superuser to create (operator classes, parsers…), so each is applied on its own and may be refused.
 */
export interface CatalogObjectDef extends QualifiedName {
  readonly kind: 'catalog';
  readonly key: string;
  readonly catalogKind: CatalogObjectKind;
  /** How ALTER … OWNER TO and COMMENT ON name it, e.g. "OPERATOR CLASS public.ops USING btree", "CAST (a AS b)". */
  readonly clause: string;
  /** null for casts, which have no owner. */
  readonly owner: string | null;
  readonly grants: null;
  /** The CREATE statement, with any ALTER … ADD that completes it (mappings, loose family members). */
  readonly definition: string;
  readonly comment: string | null;
}

/** Objects created before the data, in an order where each one's dependencies come first. */
export type PreDataObject = TypeDef | RoutineDef | SequenceDef | TableDef | ViewDef | CatalogObjectDef;

/** An index, or a constraint backed by one (primary key, unique, exclusion). Built after the data. */
export interface IndexDef {
  readonly table: QualifiedName;
  readonly name: string;
  /** CREATE INDEX … for a plain index; for a constraint, the constraint body (PRIMARY KEY (id)). */
  readonly definition: string;
  /** For a constraint, the CREATE INDEX of the index backing it (pg_get_indexdef). */
  readonly indexDefinition: string;
  readonly constraint: 'primary key' | 'unique' | 'exclusion' | null;
  /** What the index is: method, keys, INCLUDE, predicate, options… */
  readonly structure: IndexStructure;
  /** For a constraint, what the constraint is (its kind equals `constraint`); null for a plain index. */
  readonly keyConstraint: ConstraintStructure | null;
  /** On a partition: the partitioned table's index this one attaches to. */
  readonly attachTo: QualifiedName | null;
  /** The table is partitioned: the index is created ON ONLY it and its partitions' indexes attach to it. */
  readonly onPartitionedTable: boolean;
}

/** A constraint added after the data: foreign keys, and checks the source holds as NOT VALID. */
export interface ConstraintDef {
  readonly table: QualifiedName;
  readonly name: string;
  readonly kind: 'foreign key' | 'check';
  /** pg_get_constraintdef, ends with NOT VALID when the source's constraint is not validated. */
  readonly definition: string;
  readonly validated: boolean;
  readonly onPartitionedTable: boolean;
  /** For a foreign key, the table it references. */
  readonly references: QualifiedName | null;
  /** For a foreign key, whether every clone the server made of it (on partitions, or for a referenced partitioned table's partitions) is validated. */
  readonly clonesValidated?: boolean;
  /** What the constraint is: columns, referenced columns and actions, deferrability, check expression… */
  readonly structure: ConstraintStructure;
}

export interface TriggerDef {
  readonly table: QualifiedName;
  readonly name: string;
  readonly definition: string;
  /** pg_trigger.tgenabled: O origin (default), D disabled, R replica, A always. */
  readonly enabled: 'O' | 'D' | 'R' | 'A';
}

export interface PolicyDef {
  readonly table: QualifiedName;
  readonly name: string;
  readonly permissive: boolean;
  readonly command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Role names; empty means PUBLIC. */
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
}

/** A comment on any object; `target` is the COMMENT ON object clause, e.g. "COLUMN public.t.c". */
export interface CommentDef {
  readonly target: string;
  readonly text: string;
  /** For a comment on a policy: which one (migrate leaves out a policy whose roles it cannot map, and its comment). */
  readonly policy?: { readonly schema: string; readonly table: string; readonly name: string };
}

/** A rewrite rule other than a view's own: created after the data, so it never acts during the load. */
export interface RuleDef {
  readonly table: QualifiedName;
  readonly name: string;
  /** pg_get_ruledef, without its final semicolon. */
  readonly definition: string;
  /** pg_rewrite.ev_enabled: O origin (default), D disabled, R replica, A always. */
  readonly enabled: 'O' | 'D' | 'R' | 'A';
}

/** An extended statistics object: created with the tables, so the load's ANALYZE builds it after the data. */
export interface StatisticsDef extends QualifiedName {
  readonly table: QualifiedName;
  readonly owner: string;
  /** pg_get_statisticsobjdef. */
  readonly definition: string;
  /** ALTER STATISTICS … SET STATISTICS; null for the default (-1 before PostgreSQL 17, NULL from 17). */
  readonly target: number | null;
}

/**
 * A setting ALTER TABLE gives a table, materialized view or column after CREATE, listed only where it is not the
 * default — and for a column, also where its parent's is not (a partition or child may inherit it on creation).
 */
export interface RelationSettingDef {
  readonly table: QualifiedName;
  readonly relationKind: 'table' | 'materialized view' | 'index';
  /** The column, for storage, statistics and compression; an index's column by its number (1 for the first). */
  readonly column: string | null;
  readonly setting: 'replica identity' | 'cluster on' | 'storage' | 'statistics' | 'compression';
  /**
   * replica identity: FULL, NOTHING or USING INDEX "name"; cluster on: the index name; storage: plain, external,
   * extended or main; statistics: the target (-1 the default); compression: pglz, lz4 or default.
   */
  readonly value: string;
}

export interface SchemaModel {
  readonly schemas: readonly SchemaDef[];
  readonly extensions: readonly ExtensionDef[];
  readonly roles: readonly RoleDef[];
  readonly objects: readonly PreDataObject[];
  readonly indexes: readonly IndexDef[];
  readonly constraints: readonly ConstraintDef[];
  readonly triggers: readonly TriggerDef[];
  readonly policies: readonly PolicyDef[];
  readonly comments: readonly CommentDef[];
  readonly rules: readonly RuleDef[];
  readonly statistics: readonly StatisticsDef[];
  readonly relationSettings: readonly RelationSettingDef[];
  /** Languages, foreign data, publications, event triggers: each applied on its own, a managed target may refuse it. */
  readonly serverObjects: ServerObjects;
  /**
   * Which object needs which, by `key` (pre-data objects, foreign tables, and "language:<name>" for a routine's
   * language): the order of the pre-data, and what is refused in turn when a target refuses an object.
   */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /** Kinds of objects the model does not cover, named so they are reported, never skipped silently. */
  readonly notCovered: readonly string[];
  /**
   * Objects a source of another kind (SQLite) has that its mapping into PostgreSQL leaves out on purpose (a trigger,
   * a view whose SQL does not translate), reported before the run: verify lists them without counting them.
   */
  readonly leftOut?: readonly string[];
  /** Default privileges, column grants, memberships, settings, extension members' changed privileges. */
  readonly access: AccessModel;
}

export function tablesOf(model: SchemaModel): TableDef[] {
  return model.objects.filter((o): o is TableDef => o.kind === 'table');
}

export function viewsOf(model: SchemaModel, materialized: boolean): ViewDef[] {
  return model.objects.filter((o): o is ViewDef => o.kind === 'view' && o.materialized === materialized);
}

export function sequencesOf(model: SchemaModel): SequenceDef[] {
  return model.objects.filter((o): o is SequenceDef => o.kind === 'sequence');
}

/** A model's access part when the source has no roles (SQLite, JSON): nothing granted, nothing to compare. */
export const noAccess: SchemaModel['access'] = { defaultPrivileges: [], columnGrants: [], memberships: [], settings: [], extensionMemberPrivileges: [] };
/** A model's server objects when the source is not a PostgreSQL server. */
export const noServerObjects: SchemaModel['serverObjects'] = { languages: [], foreignDataWrappers: [], foreignServers: [], userMappings: [], foreignTables: [], publications: [], eventTriggers: [] };

/** A model pgferry builds itself (from SQLite, from a JSON mapping): the parts given, nothing else. */
export function builtModel(parts: Pick<SchemaModel, 'schemas' | 'objects' | 'indexes' | 'constraints'> & Partial<SchemaModel>): SchemaModel {
  return {
    extensions: [],
    roles: [],
    triggers: [],
    policies: [],
    comments: [],
    rules: [],
    statistics: [],
    relationSettings: [],
    serverObjects: noServerObjects,
    dependencies: {},
    notCovered: [],
    access: noAccess,
    ...parts,
  };
}
