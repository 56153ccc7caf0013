/**
 * Pure: the schema of a portable archive as sections of statements, planned by the same planners migrate uses,
 * in migrate's order. Everything that creates or names a role (roles, owners, grants, policies and user mappings
 * for roles, memberships, role settings, default privileges, large objects' owners and grants) is kept in sections of its own, so a restore into a
 * server without those roles can leave them out. The archive does not know the restoring server, so extensions
 * are created at that server's default version and database settings go to whichever database the restore runs in.
 */
import type { SequenceValue } from '../endpoints/endpoint.js';
import type { SchemaSection } from '../endpoints/portable-archive.js';
import { planAccess } from '../model/ddl/render-access.js';
import { renderConstraint, renderIndex, renderIndexAttach } from '../model/ddl/render-post-data.js';
import { renderLargeObjectMetadata } from '../model/ddl/render-large-objects.js';
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import { namesDatabase, renderCreateExtensionAtVersion, renderCreateRoleIfMissing, renderCurrentDatabaseSetting, renderSetval } from '../model/ddl/render-restore-statements.js';
import type { SchemaUnit } from '../model/ddl/schema-unit.js';
import { qualifiedName } from '../model/ddl/quote.js';
import { orderByDependencies } from '../model/dependency-order.js';
import type { SettingDef } from '../model/access-model.js';
import type { LargeObjectMetadata } from '../model/large-objects.js';
import { sequencesOf, tablesOf, type ConstraintDef, type SchemaModel, type ViewDef } from '../model/schema-model.js';
import { planPreData } from './schema-pre.js';
import { planPrivileges, planTriggersAndPolicies } from './schema-post.js';
import { planRulesAndRelationSettings } from './plan-rules-and-relation-settings.js';
import { planServerObjects, type ServerObjectsPlan } from './server-objects.js';

const everyRole: RoleResolver = (role) => role;
const noRole: RoleResolver = () => null;

/** What planning with every role adds to planning with none: the statements that name roles. */
function added(withRoles: readonly string[], withoutRoles: readonly string[]): string[] {
  const without = new Set(withoutRoles);
  return withRoles.filter((s) => !without.has(s));
}

function unitStatements(units: readonly SchemaUnit[]): string[] {
  return units.flatMap((u) => [...u.create, ...u.settle]);
}

/** Server objects' statements that name roles: owners and grants, and user mappings for a role. */
function serverObjectsNamingRoles(withRoles: readonly SchemaUnit[], withoutRoles: readonly SchemaUnit[]): string[] {
  const byId = new Map(withoutRoles.map((u) => [u.id, u]));
  return withRoles.flatMap((unit) => {
    const plain = byId.get(unit.id);
    return plain ? added(unit.settle, plain.settle) : [...unit.create, ...unit.settle];
  });
}

/** Depth in the partition tree, so a partitioned table's constraints come before its partitions' own. */
function partitionDepth(model: SchemaModel): (constraint: ConstraintDef) => number {
  const parents = new Map<string, string>(
    tablesOf(model).flatMap((t) => (t.partitionOf ? [[`${t.schema}.${t.name}`, `${t.partitionOf.parent.schema}.${t.partitionOf.parent.name}`]] : [])),
  );
  const depth = (table: string): number => {
    const parent = parents.get(table);
    return parent === undefined ? 0 : 1 + depth(parent);
  };
  return (c) => depth(`${c.table.schema}.${c.table.name}`);
}

/**
 * After the rows: indexes, keys and constraints built (validated as they are added), then materialized views filled
 * (last, as pg_dump does: their queries are planned with the tables' indexes there).
 */
function planDataDependents(model: SchemaModel): string[] {
  const ordered = orderByDependencies(model.objects, new Map(Object.entries(model.dependencies)));
  const refreshes = ordered
    .filter((o): o is ViewDef => o.kind === 'view' && o.materialized && o.populated)
    .map((v) => `REFRESH MATERIALIZED VIEW ${qualifiedName(v.schema, v.name)}`);
  const indexes = model.indexes.map(renderIndex);
  const depth = partitionDepth(model);
  const constraints = [...model.constraints].sort((a, b) => depth(a) - depth(b));
  return [
    ...indexes.map((i) => i.build),
    ...model.indexes.flatMap((i) => renderIndexAttach(i) ?? []),
    ...indexes.flatMap((i) => i.constraint ?? []),
    // Added whole (validated while added): NOT VALID and a later VALIDATE only pay off with parallel workers.
    ...constraints.map((c) => renderConstraint(c, true).add),
    ...refreshes,
  ];
}

/**
 * Column grants, default privileges, memberships and settings as `resolve` maps roles; a setting given in the
 * database goes to the one the restore runs in.
 */
function planAccessFor(model: SchemaModel, resolve: RoleResolver): string[] {
  const settings = model.access.settings.flatMap((s) => {
    const role = s.role === null ? null : resolve(s.role);
    return s.role !== null && role === null ? [] : [{ setting: s, role }];
  });
  const elsewhere = { ...model, access: { ...model.access, settings: model.access.settings.filter((s) => !namesDatabase(s)) } };
  return [
    ...planAccess(elsewhere, resolve, '').statements,
    ...settings.filter((s) => namesDatabase(s.setting)).map((s) => renderCurrentDatabaseSetting(s.setting, s.role)),
  ];
}

/** The source's extension at its version where the restoring server offers it (the planner knows no server's offer). */
function atSourceVersion(model: SchemaModel): (unit: SchemaUnit) => SchemaUnit {
  const extensions = new Map(model.extensions.map((e) => [`extension ${e.name}`, e]));
  return (unit) => {
    const extension = extensions.get(unit.id);
    return extension ? { ...unit, create: [renderCreateExtensionAtVersion(extension)] } : unit;
  };
}

/** Large objects' comments and grants to PUBLIC, or with every role also their grants to roles and owners. */
function largeObjectStatements(objects: readonly LargeObjectMetadata[], resolve: RoleResolver): string[] {
  return objects.flatMap((o) => renderLargeObjectMetadata(o, resolve).map((s) => s.sql));
}

export interface ArchiveSchemaPlan {
  readonly sections: SchemaSection[];
  /** What the archive cannot carry exactly, said once each. */
  readonly notes: string[];
}

/**
 * `sequences`: every sequence's state, read after the rows (so never behind what the rows used); `largeObjects`: the
 * owners, grants and comments of the large objects the archive holds (the restore creates them bare).
 */
export function planArchiveSchema(model: SchemaModel, sequences: readonly SequenceValue[], largeObjects: readonly LargeObjectMetadata[] = []): ArchiveSchemaPlan {
  const notes: string[] = [];
  const serverObjects = planServerObjects(model.serverObjects, everyRole);
  const withRoles = serverObjects.plan;
  const withoutRoles = planServerObjects(model.serverObjects, noRole).plan;
  // Secrets (passwords of user mappings, secret options of servers) are never carried.
  notes.push(...serverObjects.warnings.map((w) => w.message));
  // Every compression method the source uses is kept: the restoring server must offer it (lz4 needs a build with it).
  const compressions = [...new Set(model.relationSettings.filter((s) => s.setting === 'compression').map((s) => s.value))];
  const preData = planPreData(model, [], withoutRoles, compressions);
  if (model.extensions.length > 0) {
    notes.push(`extensions are created at the source's version where the restoring server offers it, else at its default version (the source has ${model.extensions.map((e) => `${e.name} ${e.version}`).join(', ')})`);
  }
  const policies = { plain: planTriggersAndPolicies(model, noRole), named: planTriggersAndPolicies(model, everyRole) };
  const postData = [
    ...planDataDependents(model),
    ...policies.plain.statements,
    ...planRulesAndRelationSettings(model),
    ...policies.plain.comments,
    ...unitStatements(withoutRoles.publications),
    // What names no role but PUBLIC (a default privilege revoked from PUBLIC, a grant to PUBLIC, the database's settings).
    ...planPrivileges(model, noRole),
    ...planAccessFor(model, noRole),
    ...largeObjectStatements(largeObjects, noRole),
  ];
  const serverUnits = (plan: ServerObjectsPlan) => [...plan.languages, ...plan.foreignData, ...plan.foreignTables, ...plan.publications];
  // Memberships and a role's settings for every database change the server's roles, not this database: a section of their own.
  const acrossServer = (setting: SettingDef) => setting.role !== null && setting.scope === 'every database';
  const inDatabase: SchemaModel = { ...model, access: { ...model.access, memberships: [], settings: model.access.settings.filter((s) => !acrossServer(s)) } };
  const serverRoles: SchemaModel = {
    ...model,
    objects: [],
    access: { defaultPrivileges: [], columnGrants: [], extensionMemberPrivileges: [], memberships: model.access.memberships, settings: model.access.settings.filter(acrossServer) },
  };
  const privileges = [
    ...added(planPrivileges(model, everyRole), planPrivileges(model, noRole)),
    ...serverObjectsNamingRoles(serverUnits(withRoles), serverUnits(withoutRoles)),
    ...added(policies.named.statements, policies.plain.statements),
    ...added(policies.named.comments, policies.plain.comments),
    ...added(planAccessFor(inDatabase, everyRole), planAccessFor(inDatabase, noRole)),
    // Grants before the owner, as migrate applies them: the restoring user may not act on an object it gave away.
    ...added(largeObjectStatements(largeObjects, everyRole), largeObjectStatements(largeObjects, noRole)),
  ];
  // Only the sequences the schema creates (an identity column's with its table).
  const created = new Set([
    ...sequencesOf(model).map((s) => `${s.schema}.${s.name}`),
    ...tablesOf(model)
      .flatMap((t) => [...t.columns, ...(t.standalone?.columns ?? [])])
      .flatMap((c) => (c.identity ? [`${c.identity.sequence.schema}.${c.identity.sequence.name}`] : [])),
  ]);
  const sections: SchemaSection[] = [
    { name: 'roles', namesRoles: true, changesServerRoles: false, statements: model.roles.map(renderCreateRoleIfMissing) },
    { name: 'pre-data', namesRoles: false, changesServerRoles: false, statements: unitStatements(preData.units.map(atSourceVersion(model))) },
    { name: 'post-data', namesRoles: false, changesServerRoles: false, statements: postData },
    { name: 'sequences', namesRoles: false, changesServerRoles: false, statements: sequences.filter((v) => created.has(`${v.schema}.${v.name}`)).map(renderSetval) },
    { name: 'privileges', namesRoles: true, changesServerRoles: false, statements: privileges },
    { name: 'role-memberships-and-settings', namesRoles: true, changesServerRoles: true, statements: planAccess(serverRoles, everyRole, '').statements },
    // Last, so they never fire on the restore's own statements.
    { name: 'event-triggers', namesRoles: false, changesServerRoles: false, statements: unitStatements(withoutRoles.eventTriggers) },
    { name: 'event-trigger-privileges', namesRoles: true, changesServerRoles: false, statements: serverObjectsNamingRoles(withRoles.eventTriggers, withoutRoles.eventTriggers) },
  ];
  if (model.notCovered.length > 0) notes.push(`not carried (pgferry's schema model does not cover them): ${model.notCovered.join(', ')}`);
  return { sections: sections.filter((s) => s.statements.length > 0), notes };
}
