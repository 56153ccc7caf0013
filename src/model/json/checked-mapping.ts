/**
 * Pure: the plan's json mapping, refused with JSON_MAPPING_INVALID when migrate, verify, export or the dual-write
 * store cannot use it: none given, a collection without a key, a key field no column holds, a nested array whose
 * parent columns do not match its parent's key.
 */
import { PgferryError } from '../../errors/pgferry-error.js';
import type { JsonCollectionMapping, JsonTableMapping } from './infer-mapping.js';
import { keyColumns } from './record-rows.js';

function refuse(message: string, hint: string): never {
  throw new PgferryError('JSON_MAPPING_INVALID', message, { hint });
}

function checkTable(where: string, mapping: JsonTableMapping, parentKeyLength: number | undefined): void {
  const columns = new Set<string>();
  for (const c of mapping.columns) {
    if (columns.has(c.column)) refuse(`${where}: two fields go to the column ${c.column}`, 'Give each field a column of its own.');
    columns.add(c.column);
  }
  if (columns.has(mapping.extra)) refuse(`${where}: ${mapping.extra} is both a field's column and the extra column`, 'Rename one of them (extra: …).');
  if (parentKeyLength === undefined) {
    if (mapping.key.length === 0) refuse(`${where} has no key`, `Name the field that identifies a record: key: [id] under ${where}.`);
    for (const field of mapping.key) {
      if (!mapping.columns.some((c) => c.field === field)) refuse(`${where}: the key field ${field} has no column`, `Add a column for ${field} to ${where}.columns.`);
    }
  } else {
    const child = mapping as Partial<{ parentColumns: readonly string[] }>;
    if ((child.parentColumns?.length ?? 0) !== parentKeyLength) {
      refuse(`${where}: parentColumns has ${child.parentColumns?.length ?? 0} columns but the parent's key has ${parentKeyLength}`, 'Give one parent column per column of the parent key, in its order.');
    }
  }
  const ownKey = keyColumns(mapping).length;
  for (const [field, nested] of Object.entries(mapping.children)) checkTable(`${where}.children.${field}`, nested, ownKey);
}

/** `plan.json.collections` as the plan schema validated it (its recursive children typed loosely by zod). */
export function checkedJsonMapping(planCollections: Readonly<Record<string, object>> | undefined): Readonly<Record<string, JsonCollectionMapping>> {
  const collections = planCollections as Readonly<Record<string, JsonCollectionMapping>> | undefined;
  if (!collections || Object.keys(collections).length === 0) {
    refuse('the plan has no json mapping (json.collections)', 'Draft it with: pgferry infer --from json://DIR --out plan.yaml, read it, then give --plan plan.yaml.');
  }
  const tables = new Set<string>();
  const checkReferences = (where: string, m: JsonTableMapping) => {
    for (const c of m.columns) {
      if (c.references === undefined) continue;
      const target = collections[c.references];
      if (!target) refuse(`${where}: ${c.field} references ${c.references}, which the mapping has no collection for`, `Name a collection of json.collections, or remove references from ${c.field}.`);
      if (target.key.length !== 1) refuse(`${where}: ${c.field} references ${c.references}, which is keyed by ${target.key.length} fields`, 'A reference names a collection keyed by one field.');
    }
    for (const [field, nested] of Object.entries(m.children)) checkReferences(`${where}.children.${field}`, nested);
  };
  for (const [name, mapping] of Object.entries(collections)) {
    checkReferences(`json.collections.${name}`, mapping);
    checkTable(`json.collections.${name}`, mapping, undefined);
    const walk = (m: JsonTableMapping) => {
      if (tables.has(m.table)) refuse(`two collections or nested arrays go to the table ${m.table}`, 'Give each its own table name.');
      tables.add(m.table);
      Object.values(m.children).forEach(walk);
    };
    walk(mapping);
  }
  return collections;
}
