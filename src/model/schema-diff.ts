/**
 * Pure: the differences between two schema models, each named precisely — the object, the property (a path such
 * as "columns.email.defaultValue"), the source's value and the target's. Owners and grantees of the source are
 * first mapped the way migrate maps them, so a planned owner change is not reported.
 */
import { accessEntries, HiddenValue, sortGrants } from './access-diff.js';
import { comparableConstraintStructure, comparableIndexStructure } from './comparable-structure.js';
import { objectLabel } from './object-label.js';
import type { Grant, SchemaModel } from './schema-model.js';
import { serverObjectEntries } from './server-object-entries.js';

export interface SchemaDifference {
  readonly object: string;
  readonly property: string;
  readonly source: string;
  readonly target: string;
}

export interface OwnerMapping {
  readonly map: Readonly<Record<string, string>>;
  /** Owners and grants were left to the target's connecting user: not compared. */
  readonly drop: boolean;
  /**
   * Source roles that have no counterpart on the target (creation refused during migrate): what they owned belongs
   * to `connectingUser`, and grants and policy roles naming them were left out.
   */
  readonly unavailable?: ReadonlySet<string>;
  readonly connectingUser?: string;
}

type Entries = Map<string, unknown>;

/** The target role a source role became: null when it has none. The target's roles are taken as they are. */
type RoleMap = (role: string) => string | null;

function roleMap(owners: OwnerMapping, sourceSide: boolean): RoleMap {
  if (!sourceSide) return (role) => role;
  return (role) => (owners.unavailable?.has(role) ? null : (owners.map[role] ?? role));
}

/** Owners and grants (also nested ones, such as an identity column's sequence) after mapping; dropped when not compared. */
function withRoles(value: object, owners: OwnerMapping, role: RoleMap): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (key === 'key') return undefined;
      if (key === 'owner' && typeof v === 'string') return owners.drop ? undefined : (role(v) ?? owners.connectingUser ?? v);
      // Not compared: also the default privileges (null) against the target's explicit ones.
      if (key === 'grants' && v === null && owners.drop) return undefined;
      if (key === 'grants' && Array.isArray(v)) {
        if (owners.drop) return undefined;
        return sortGrants(
          (v as Grant[]).flatMap((g) => {
            if (g.grantee === null) return [g];
            const grantee = role(g.grantee);
            return grantee === null ? [] : [{ ...g, grantee }];
          }),
        );
      }
      return v;
    }),
  );
}

function entriesOf(model: SchemaModel, owners: OwnerMapping, sourceSide: boolean): Entries {
  const role = roleMap(owners, sourceSide);
  const entries: Entries = new Map();
  for (const schema of model.schemas) entries.set(`schema ${schema.name}`, withRoles(schema, owners, role));
  for (const extension of model.extensions) entries.set(`extension ${extension.name}`, extension);
  // Whether a view was translated from another dialect says how migrate creates it, not what it is.
  for (const object of model.objects) entries.set(objectLabel(object), withRoles(object.kind === 'view' ? { ...object, translated: undefined } : object, owners, role));
  for (const index of model.indexes) {
    const keyConstraint = index.keyConstraint && comparableConstraintStructure(index.keyConstraint);
    entries.set(`index ${index.table.schema}.${index.name} on ${index.table.name}`, { ...index, structure: comparableIndexStructure(index.structure), keyConstraint });
  }
  for (const constraint of model.constraints) {
    const structure = comparableConstraintStructure(constraint.structure);
    entries.set(`constraint ${constraint.name} on ${constraint.table.schema}.${constraint.table.name}`, { ...constraint, structure });
  }
  for (const trigger of model.triggers) entries.set(`trigger ${trigger.name} on ${trigger.table.schema}.${trigger.table.name}`, trigger);
  for (const policy of model.policies) {
    // A role without counterpart keeps its name: migrate leaves such a policy out, so it must not look like TO PUBLIC.
    const roles = policy.roles.map((r) => role(r) ?? r);
    entries.set(`policy ${policy.name} on ${policy.table.schema}.${policy.table.name}`, { ...policy, roles });
  }
  for (const comment of model.comments) entries.set(`comment on ${comment.target}`, comment.text);
  for (const rule of model.rules) entries.set(`rule ${rule.name} on ${rule.table.schema}.${rule.table.name}`, rule);
  for (const statistics of model.statistics) entries.set(`statistics ${statistics.schema}.${statistics.name}`, withRoles(statistics, owners, role));
  // Listed only where not the default: a setting back at its default on one side shows as missing there.
  for (const s of model.relationSettings) {
    const relation = `${s.relationKind} ${s.table.schema}.${s.table.name}${s.column === null ? '' : ` column ${s.column}`}`;
    entries.set(`${s.setting} of ${relation}`, s.value);
  }
  for (const [label, value] of serverObjectEntries(model.serverObjects, role)) entries.set(label, withRoles(value, owners, role));
  // Objects outside the model (foreign tables that are partitions or inheritance children, subscriptions) are
  // compared by name, so one the target lacks is a difference, never a silent "equal".
  for (const item of model.notCovered) entries.set(`not migrated by this version: ${item}`, item);
  for (const [label, value] of accessEntries(model, owners, sourceSide)) entries.set(label, value);
  return entries;
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Adds the differences between two values at `path`; arrays of named things are matched by name. */
function compare(object: string, path: string, source: unknown, target: unknown, out: SchemaDifference[]): void {
  if (source instanceof HiddenValue || target instanceof HiddenValue) {
    const value = (v: unknown) => (v instanceof HiddenValue ? v.value : v);
    if (value(source) !== value(target)) out.push({ object, property: `${path || 'value'} differs (not shown)`, source: '****', target: '****' });
    return;
  }
  const named = (v: unknown): v is Array<{ name: string }> =>
    Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');
  if (named(source) || named(target)) {
    const s = new Map(((source ?? []) as Array<{ name: string }>).map((e) => [e.name, e]));
    const t = new Map(((target ?? []) as Array<{ name: string }>).map((e) => [e.name, e]));
    for (const name of new Set([...s.keys(), ...t.keys()])) compare(object, `${path}.${name}`, s.get(name), t.get(name), out);
    return;
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRecord(source) && isRecord(target)) {
    for (const key of new Set([...Object.keys(source), ...Object.keys(target)])) {
      compare(object, path ? `${path}.${key}` : key, source[key], target[key], out);
    }
    return;
  }
  if (JSON.stringify(source) !== JSON.stringify(target)) out.push({ object, property: path || 'definition', source: show(source), target: show(target) });
}

export function diffSchemas(source: SchemaModel, target: SchemaModel, owners: OwnerMapping): SchemaDifference[] {
  const s = entriesOf(source, owners, true);
  const t = entriesOf(target, owners, false);
  const differences: SchemaDifference[] = [];
  for (const object of new Set([...s.keys(), ...t.keys()])) {
    if (!t.has(object)) differences.push({ object, property: 'exists', source: 'yes', target: 'missing' });
    else if (!s.has(object)) differences.push({ object, property: 'exists', source: 'missing', target: 'yes' });
    else compare(object, '', s.get(object), t.get(object), differences);
  }
  return differences.sort((a, b) => a.object.localeCompare(b.object) || a.property.localeCompare(b.property));
}
