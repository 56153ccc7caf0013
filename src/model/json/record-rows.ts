/**
 * Pure: a JSON record as the rows of the tables its mapping describes, and those rows back as the record. A field a
 * column names goes to that column; a nested array of objects the mapping names becomes rows of the child table (the
 * parent's key and the item's position first); every other field is kept in the `extra` jsonb column, so nothing is
 * lost. A mapped field the record does not have is listed in extra under `pgferry:absent`, so a field that is absent
 * and one that is null come back as they were.
 */
import { canonicalColumnValue, canonicalJson, isoUtc, baseType, valueProblem } from './json-column-values.js';
import { isJsonObject, JsonNumber, jsonTextOf, type JsonValue } from './json-text.js';
import type { JsonChildMapping, JsonTableMapping } from './infer-mapping.js';

export type JsonObject = { [key: string]: JsonValue };
/** A row as an object of column → value, the form json_populate_recordset reads and to_json writes. */
export type TableRow = JsonObject;

/** A field of a record or row: only its own (a field named constructor or toString is data, not Object's). */
function own<T>(object: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Sets a field as data (a field named __proto__ would otherwise set the object's prototype). */
function put(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The key of extra that lists the mapped fields a record does not have. */
export const absentFieldsKey = 'pgferry:absent';

/** Why a record cannot be loaded: the field (a path such as tasks[2].done) and the reason. */
export interface RecordProblem {
  readonly field: string;
  readonly value?: JsonValue;
  readonly reason: string;
}

/** Whether `collection` has a record whose key is `value`: what a column with `references` is checked against. */
export type ParentLookup = (collection: string, value: JsonValue) => boolean;

export type FlattenedRecord = { readonly rows: Map<string, TableRow[]>; readonly problem?: undefined } | { readonly rows?: undefined; readonly problem: RecordProblem };

/** Every table of a mapping, parents before children, with the path of fields that leads to it. */
export function mappingTables(mapping: JsonTableMapping): Array<{ readonly mapping: JsonTableMapping; readonly child?: JsonChildMapping; readonly path: readonly string[] }> {
  const tables: Array<{ mapping: JsonTableMapping; child?: JsonChildMapping; path: string[] }> = [];
  const walk = (m: JsonTableMapping, path: string[], child?: JsonChildMapping) => {
    tables.push({ mapping: m, path, ...(child ? { child } : {}) });
    for (const [field, nested] of Object.entries(m.children)) walk(nested, [...path, field], nested);
  };
  walk(mapping, []);
  return tables;
}

/** A collection's key columns in the order of its columns (the order of the primary key jsonSchemaModel makes). */
export function keyFields(mapping: JsonTableMapping): JsonTableMapping['columns'] {
  return mapping.columns.filter((c) => mapping.key.includes(c.field));
}

/** The key columns of a table of the mapping: its key fields' columns, or for a child its parent's key and position. */
export function keyColumns(mapping: JsonTableMapping): string[] {
  const child = mapping as Partial<JsonChildMapping>;
  if (child.parentColumns && child.position) return [...child.parentColumns, child.position];
  return keyFields(mapping).map((c) => c.column);
}

/** A record's key as one text, the same for the record in the file and the row in PostgreSQL (UUIDs in lower case). */
export function recordKey(mapping: JsonTableMapping, record: JsonObject): string {
  return `[${keyFields(mapping).map((c) => canonicalColumnValue(c.type, own(record, c.field))).join(',')}]`;
}

/** The key of a table's row, by its key columns, in recordKey's form. */
export function rowKey(columns: readonly string[], types: readonly string[], row: TableRow): string {
  return `[${columns.map((c, i) => canonicalColumnValue(types[i] ?? 'text', own(row, c))).join(',')}]`;
}

function isObjectArray(value: JsonValue | undefined): value is JsonObject[] {
  return Array.isArray(value) && value.every((item) => isJsonObject(item));
}

/**
 * The rows of `record` (a collection's record) for every table of `mapping`, keyed by table name; or the first
 * problem that keeps it out (a missing key, a value its column's type does not take).
 */
export function flattenRecord(mapping: JsonTableMapping, record: JsonObject, parents?: ParentLookup): FlattenedRecord {
  const rows = new Map<string, TableRow[]>();
  for (const { mapping: m } of mappingTables(mapping)) rows.set(m.table, []);
  for (const field of mapping.key) {
    const value = own(record, field);
    if (value === undefined || value === null) return { problem: { field, reason: `the record has no ${field}, its key` } };
  }
  const problem = flattenInto(mapping, record, [], undefined, '', rows, parents);
  return problem ? { problem } : { rows };
}

/** Adds the rows of `record` (at `position` of its parent's array, for a child) and its children's to `rows`. */
function flattenInto(
  mapping: JsonTableMapping,
  record: JsonObject,
  parentKey: readonly JsonValue[],
  position: number | undefined,
  where: string,
  rows: Map<string, TableRow[]>,
  parents: ParentLookup | undefined,
): RecordProblem | undefined {
  const row: TableRow = {};
  const child = mapping as Partial<JsonChildMapping>;
  child.parentColumns?.forEach((column, i) => put(row, column, parentKey[i] ?? null));
  if (child.position !== undefined && position !== undefined) put(row, child.position, new JsonNumber(String(position)));
  const absent: string[] = [];
  for (const column of mapping.columns) {
    const value = own(record, column.field);
    if (value === undefined || value === null) {
      if (column.notNull || mapping.key.includes(column.field)) return { field: `${where}${column.field}`, reason: value === undefined ? 'the field is missing and the mapping has it not null' : 'null where the mapping has not null' };
      if (value === undefined) absent.push(column.field);
      put(row, column.column, null);
      continue;
    }
    const problem = valueProblem(column.type, value);
    if (problem) return { field: `${where}${column.field}`, value, reason: problem };
    if (column.references && parents && !parents(column.references, value)) {
      return { field: `${where}${column.field}`, value, reason: `missing parent: ${column.references} has no record with key ${jsonTextOf(value)}` };
    }
    put(row, column.column, value);
  }
  const extra: JsonObject = {};
  const mapped = new Set(mapping.columns.map((c) => c.field));
  for (const [field, value] of Object.entries(record)) {
    if (field === absentFieldsKey) return { field: `${where}${field}`, reason: `a field named ${absentFieldsKey}, which pgferry keeps for itself in the extra column` };
    if (mapped.has(field)) continue;
    const nested = own(mapping.children, field);
    if (!nested || !isObjectArray(value)) put(extra, field, value);
  }
  for (const field of Object.keys(mapping.children)) if (own(record, field) === undefined) absent.push(field);
  if (absent.length > 0) put(extra, absentFieldsKey, absent);
  put(row, mapping.extra, Object.keys(extra).length > 0 ? extra : null);
  const ownKey = position !== undefined ? [...parentKey, new JsonNumber(String(position))] : keyFields(mapping).map((c) => own(record, c.field)!);
  rows.get(mapping.table)!.push(row);
  for (const [field, nested] of Object.entries(mapping.children)) {
    const items = own(record, field);
    if (!isObjectArray(items)) continue;
    for (const [i, item] of items.entries()) {
      const problem = flattenInto(nested, item, ownKey, i, `${where}${field}[${i}].`, rows, parents);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** A column value as to_json wrote it, in the form the file had: a timestamptz in UTC with Z. */
function fieldValue(type: string, value: JsonValue): JsonValue {
  return typeof value === 'string' && baseType(type) === 'timestamptz' ? isoUtc(value) : value;
}

/**
 * The record a table row and its children's rows make: mapped columns first (in the mapping's order), then nested
 * arrays re-assembled in position order, then the fields kept in extra. `childRows(field, mapping, row)` gives the
 * rows of a nested array's table that belong to `row`, in position order.
 */
export function recordOfRow(mapping: JsonTableMapping, row: TableRow, childRows: (nested: JsonChildMapping, row: TableRow) => readonly TableRow[]): JsonObject {
  const stored = own(row, mapping.extra);
  const extra: JsonObject = isJsonObject(stored) ? stored : {};
  const absentList = own(extra, absentFieldsKey);
  const absent = new Set(Array.isArray(absentList) ? absentList.filter((f): f is string => typeof f === 'string') : []);
  const record: JsonObject = {};
  for (const column of mapping.columns) {
    if (absent.has(column.field)) continue;
    const value = own(row, column.column);
    put(record, column.field, value === undefined || value === null ? null : fieldValue(column.type, value));
  }
  for (const [field, nested] of Object.entries(mapping.children)) {
    if (absent.has(field) || Object.hasOwn(extra, field)) continue;
    put(record, field, childRows(nested, row).map((item) => recordOfRow(nested, item, childRows)));
  }
  for (const [field, value] of Object.entries(extra)) if (field !== absentFieldsKey) put(record, field, value);
  return record;
}

/**
 * Where two records of a mapping differ, as field paths (`email`, `tasks[1].done`, `tasks` when the arrays differ in
 * length), comparing canonical values: key order, number formats, timestamp offsets and UUID case do not count.
 */
export function recordDifferences(mapping: JsonTableMapping, left: JsonObject, right: JsonObject, where = ''): string[] {
  const differences: string[] = [];
  const types = new Map(mapping.columns.map((c) => [c.field, c.type]));
  const fields = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const field of fields) {
    const a = own(left, field);
    const b = own(right, field);
    const nested = own(mapping.children, field);
    if (nested && isObjectArray(a) && isObjectArray(b)) {
      if (a.length !== b.length) differences.push(`${where}${field} (${a.length} items, ${b.length} items)`);
      else a.forEach((item, i) => differences.push(...recordDifferences(nested, item, b[i]!, `${where}${field}[${i}].`)));
      continue;
    }
    const type = types.get(field);
    const same = type !== undefined ? canonicalColumnValue(type, a) === canonicalColumnValue(type, b) : canonicalJson(a) === canonicalJson(b);
    if (!same) differences.push(`${where}${field}`);
  }
  return differences;
}
