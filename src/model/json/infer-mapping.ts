/**
 * Pure: a draft of how JSON collections become PostgreSQL tables, read off the records themselves — each field's
 * type (UUIDs, timestamps and dates recognized in strings; integers apart from decimals), whether it is always
 * there and never null, fields whose type varies between records (kept as jsonb and reported), nested arrays of
 * objects as child tables with their parent's key. Fields a mapping does not name go to the table's `extra` jsonb
 * column, so no data is lost; the draft names every field it saw.
 */
import type { Finding } from '../findings.js';
import { valueProblem } from './json-column-values.js';
import { isJsonObject, JsonNumber, type JsonValue } from './json-text.js';

export interface JsonColumnMapping {
  /** The field's name in the records. */
  readonly field: string;
  readonly column: string;
  readonly type: string;
  readonly notNull: boolean;
  /** The collection whose key this field holds (its records are checked for a missing parent). */
  readonly references?: string;
}

export interface JsonTableMapping {
  readonly table: string;
  /** Fields whose values identify a record (for a child: within its parent); empty: the record's position does. */
  readonly key: readonly string[];
  readonly columns: readonly JsonColumnMapping[];
  /** The jsonb column that keeps the fields no column names. */
  readonly extra: string;
  /** Nested arrays of objects, by field: each a table of its own. */
  readonly children: Readonly<Record<string, JsonChildMapping>>;
}

export interface JsonChildMapping extends JsonTableMapping {
  /** The columns that hold the parent's key, in the parent key's order. */
  readonly parentColumns: readonly string[];
  /** The column holding the item's position in its array (the array's order is data). */
  readonly position: string;
}

export interface JsonCollectionMapping extends JsonTableMapping {
  /** The collection file, relative to the source directory. */
  readonly file: string;
}

type Kind = 'string' | 'integer' | 'decimal' | 'boolean' | 'object' | 'objects' | 'empty' | 'scalars' | 'null';

interface FieldStats {
  present: number;
  nulls: number;
  readonly kinds: Set<Kind>;
  readonly formats: Set<'uuid' | 'timestamptz' | 'timestamp' | 'date' | 'text'>;
  /** Integers past bigint's range. */
  huge: boolean;
  /** Items of arrays of objects, gathered for the child table. */
  readonly items: Array<{ readonly [key: string]: JsonValue }>;
  /** Distinct values, while few enough to tell whether the field could be a key. */
  readonly distinct: Set<string>;
}

/** The string types a draft tries, narrowest first; a field gets one when migrate would take every value into it. */
const stringFormats = ['uuid', 'timestamptz', 'timestamp', 'date'] as const;

function formatOf(text: string): (typeof stringFormats)[number] | 'text' {
  return stringFormats.find((type) => valueProblem(type, text) === null) ?? 'text';
}

function kindOf(value: JsonValue): Kind {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof JsonNumber) return value.isInteger ? 'integer' : 'decimal';
  if (Array.isArray(value)) return value.length === 0 ? 'empty' : value.every(isJsonObject) ? 'objects' : 'scalars';
  return 'object';
}

const bigintRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const distinctLimit = 1_000_000;

function statsOf(records: ReadonlyArray<{ readonly [key: string]: JsonValue }>): Map<string, FieldStats> {
  const fields = new Map<string, FieldStats>();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      let stats = fields.get(field);
      if (!stats) fields.set(field, (stats = { present: 0, nulls: 0, kinds: new Set(), formats: new Set(), huge: false, items: [], distinct: new Set() }));
      stats.present += 1;
      const kind = kindOf(value);
      if (kind === 'null') {
        stats.nulls += 1;
        continue;
      }
      stats.kinds.add(kind);
      if (typeof value === 'string') stats.formats.add(formatOf(value));
      if (value instanceof JsonNumber && value.isInteger && (BigInt(value.text) < bigintRange.min || BigInt(value.text) > bigintRange.max)) stats.huge = true;
      if (kind === 'objects') stats.items.push(...(value as Array<{ [key: string]: JsonValue }>));
      if ((kind === 'string' || kind === 'integer') && stats.distinct.size < distinctLimit) stats.distinct.add(`${kind}:${value instanceof JsonNumber ? value.text : String(value)}`);
    }
  }
  return fields;
}

/** A field holding arrays of objects (some may be empty): a child table. */
function isChildArray(stats: FieldStats): boolean {
  return stats.kinds.has('objects') && [...stats.kinds].every((k) => k === 'objects' || k === 'empty');
}

/** The column type for a field's values, and why it is jsonb when they vary. */
function typeOf(stats: FieldStats): { type: string; varies?: string } {
  // An empty array fits an array of scalars as well as one of objects.
  const kinds = [...stats.kinds].filter((k) => k !== 'empty' || stats.kinds.size === 1).map((k) => (k === 'empty' ? 'scalars' : k));
  if (kinds.length === 0) return { type: 'text' };
  if (kinds.length === 1) {
    const [kind] = kinds;
    if (kind === 'string') {
      const formats = [...stats.formats];
      if (formats.length === 1) return { type: formats[0]! };
      if (formats.every((f) => f === 'timestamptz' || f === 'timestamp' || f === 'date')) return { type: 'text', varies: `dates in several forms (${formats.join(', ')})` };
      return { type: 'text' };
    }
    if (kind === 'integer') return { type: stats.huge ? 'numeric' : 'bigint' };
    if (kind === 'decimal') return { type: 'numeric' };
    if (kind === 'boolean') return { type: 'boolean' };
    return { type: 'jsonb' };
  }
  if (kinds.every((k) => k === 'integer' || k === 'decimal')) return { type: 'numeric' };
  return { type: 'jsonb', varies: kinds.join(', ') };
}

/** camelCase and spaces as PostgreSQL's snake_case, lower case. */
export function columnName(field: string): string {
  const snake = field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return (/^[0-9]/.test(snake) ? `f_${snake}` : snake) || 'field';
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name.slice(0, 63);
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${name.slice(0, 60)}_${n}`;
  taken.add(candidate);
  return candidate;
}

interface Drafted {
  readonly mapping: JsonTableMapping;
  readonly findings: Finding[];
}

/** The key: a field named id (or _id, or <singular>Id) always present, never null, every value distinct. */
function keyOf(stats: Map<string, FieldStats>, records: number, table: string): string[] {
  const singular = table.replace(/s$/, '');
  const candidates = ['id', '_id', `${singular}Id`, `${singular}_id`, 'uuid', 'key'];
  const found = candidates.find((f) => {
    const s = stats.get(f);
    return s && s.present === records && s.nulls === 0 && s.distinct.size === records && (s.kinds.has('string') || s.kinds.has('integer')) && s.kinds.size === 1;
  });
  return found ? [found] : [];
}

function draftTable(table: string, records: ReadonlyArray<{ readonly [key: string]: JsonValue }>, where: string, taken: Set<string>, parent?: { table: string; key: readonly JsonColumnMapping[] }): Drafted {
  const stats = statsOf(records);
  const findings: Finding[] = [];
  const tableName = unique(columnName(table), taken);
  const columnsTaken = new Set<string>();
  const parentColumns = parent ? parent.key.map((k) => unique(`${columnName(parent.table.replace(/s$/, ''))}_${k.column}`, columnsTaken)) : [];
  const position = parent ? unique('position', columnsTaken) : '';
  const columns: JsonColumnMapping[] = [];
  const children: Record<string, JsonChildMapping> = {};
  const key = parent ? [] : keyOf(stats, records.length, table);
  const varying: string[] = [];
  const sometimes: string[] = [];
  for (const [field, s] of stats) {
    if (isChildArray(s)) continue;
    const { type, varies } = typeOf(s);
    if (varies) varying.push(`${field} (${varies})`);
    if (s.present < records.length) sometimes.push(`${field} (${s.present} of ${records.length})`);
    columns.push({ field, column: unique(columnName(field), columnsTaken), type, notNull: s.present === records.length && s.nulls === 0 });
  }
  const extra = unique('extra', columnsTaken);
  const keyColumns = parent ? [] : columns.filter((c) => key.includes(c.field));
  for (const [field, s] of stats) {
    if (!isChildArray(s)) continue;
    if (keyColumns.length === 0 && !parent) {
      findings.push({ code: 'JSON_NO_KEY', message: `${where}: the nested array ${field} needs its parent's key, and ${table} has none: kept in the jsonb column ${extra}` });
      continue;
    }
    const child = draftTable(field, s.items, `${where}.${field}[]`, taken, { table, key: keyColumns });
    children[field] = child.mapping as JsonChildMapping;
    findings.push(...child.findings);
  }
  if (!parent && key.length === 0) findings.push({ code: 'JSON_NO_KEY', message: `${where}: no field identifies a record (none named id, _id or ${table.replace(/s$/, '')}Id is always there and distinct)`, hint: 'Name the key in the mapping (key: [field]); without one, records are matched by their position in the file.' });
  if (varying.length > 0) findings.push({ code: 'JSON_TYPES_VARY', message: `${where}: field(s) whose type varies between records, kept as jsonb: ${varying.join('; ')}` });
  if (sometimes.length > 0) findings.push({ code: 'JSON_FIELDS_OPTIONAL', message: `${where}: field(s) only some records have (nullable columns): ${sometimes.join('; ')}` });
  const mapping: JsonTableMapping = { table: tableName, key, columns, extra, children };
  return { mapping: parent ? ({ ...mapping, parentColumns, position } as JsonChildMapping) : mapping, findings };
}

/**
 * The draft mapping of every collection, and what the records showed that a person should look at.
 *
 * @example inferMapping([{ name: 'users', file: 'users.json', records }]).collections.users.columns
 */
export function inferMapping(collections: ReadonlyArray<{ readonly name: string; readonly file: string; readonly records: ReadonlyArray<{ readonly [key: string]: JsonValue }> }>): {
  collections: Record<string, JsonCollectionMapping>;
  findings: Finding[];
} {
  const taken = new Set<string>();
  const out: Record<string, JsonCollectionMapping> = {};
  const findings: Finding[] = [];
  for (const c of collections) {
    const drafted = draftTable(c.name, c.records, c.file, taken);
    out[c.name] = { file: c.file, ...drafted.mapping };
    findings.push(...drafted.findings);
  }
  const keys = new Map<string, Set<string>>();
  for (const c of collections) {
    const key = out[c.name]!.key;
    if (key.length === 1) keys.set(c.name, new Set(c.records.map((r) => String(scalarText(r[key[0]!])))));
  }
  for (const c of collections) {
    const found = withReferences(out[c.name]!, c.records, keys, c.name, c.file);
    out[c.name] = found.mapping as JsonCollectionMapping;
    findings.push(...found.findings);
  }
  return { collections: out, findings };
}

/** A key-like value as text (a string or a number); undefined for anything else. */
function scalarText(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : value instanceof JsonNumber ? value.text : undefined;
}

/**
 * The mapping with `references` on every column (not a key) whose values, all strings or numbers, are each a key of
 * one other collection: an id pointing at another collection's record.
 */
function withReferences(mapping: JsonTableMapping, records: ReadonlyArray<{ readonly [key: string]: JsonValue }>, keys: ReadonlyMap<string, Set<string>>, own: string | undefined, where: string): { mapping: JsonTableMapping; findings: Finding[] } {
  const findings: Finding[] = [];
  const columns = mapping.columns.map((column) => {
    if (mapping.key.includes(column.field) || !['uuid', 'bigint', 'text'].includes(column.type)) return column;
    const values = records.map((r) => r[column.field]).filter((v) => v !== undefined && v !== null);
    const texts = values.map(scalarText);
    if (values.length === 0 || texts.some((t) => t === undefined)) return column;
    const target = [...keys].find(([name, set]) => name !== own && texts.every((t) => set.has(t!)));
    if (!target) return column;
    findings.push({ code: 'JSON_REFERENCES', message: `${where}: ${column.field} holds keys of ${target[0]}: a record whose ${column.field} is no key of ${target[0]} will be rejected (missing parent)`, hint: `Remove references: ${target[0]} from the column if that is not so.` });
    return { ...column, references: target[0] };
  });
  const children: Record<string, JsonChildMapping> = {};
  for (const [field, child] of Object.entries(mapping.children)) {
    const items = records.flatMap((r) => (Array.isArray(r[field]) ? (r[field] as JsonValue[]).filter((i): i is { [key: string]: JsonValue } => isJsonObject(i)) : []));
    const found = withReferences(child, items, keys, undefined, `${where}.${field}[]`);
    children[field] = found.mapping as JsonChildMapping;
    findings.push(...found.findings);
  }
  return { mapping: { ...mapping, columns, children }, findings };
}
