/**
 * Pure: the PostgreSQL type of a SQLite column, from its declared type. SQLite's affinity rules are the base; well
 * known declared names (BOOLEAN, DATETIME, JSON, UUID, VARCHAR(n)…) refine them, and a plan's cast rule wins over both.
 */

import { sameSqliteName } from './value-policy.js';

/**
 * This column of this table becomes this PostgreSQL type (names as SQLite spells them, ASCII case ignored): a plan's
 * rule, or the value policy's widening, which says why in `widened`.
 */
export interface CastRule {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly widened?: string;
}

export interface TypeMappingOptions {
  /** The type of INT, INTEGER, BIGINT… columns that are not a rowid alias. */
  readonly integer: 'bigint' | 'integer';
  /** The type of DATETIME and TIMESTAMP columns. */
  readonly timestamp: 'timestamptz' | 'timestamp';
  readonly casts: readonly CastRule[];
}

export const defaultTypeMapping: TypeMappingOptions = { integer: 'bigint', timestamp: 'timestamptz', casts: [] };

export interface MappedType {
  readonly type: string;
  /** Why the declared type lost something on the way (a length PostgreSQL refuses), when it did. */
  readonly note: string | null;
}

interface Declared {
  readonly name: string;
  readonly modifiers: readonly number[];
}

function parseDeclared(declared: string): Declared {
  const match = /^\s*([^(]*?)\s*(?:\(\s*([^)]*)\))?\s*$/.exec(declared);
  const name = (match?.[1] ?? declared).toUpperCase().replace(/\s+/g, ' ');
  const modifiers = (match?.[2] ?? '').split(',').map((m) => m.trim()).filter(Boolean).map(Number);
  return { name, modifiers: modifiers.every(Number.isInteger) ? modifiers : [] };
}

const VARCHAR_MAX = 10485760;

function sized(base: 'varchar' | 'char', declared: Declared): MappedType {
  const n = declared.modifiers[0];
  if (n === undefined) return { type: base === 'varchar' ? 'varchar' : 'text', note: null };
  if (n >= 1 && n <= VARCHAR_MAX) return { type: `${base}(${n})`, note: null };
  return { type: 'text', note: `length ${n} is outside what PostgreSQL's ${base} takes; mapped to text` };
}

function numeric(declared: Declared): MappedType {
  const [p, s] = declared.modifiers;
  if (p === undefined) return { type: 'numeric', note: null };
  if (p < 1 || p > 1000 || (s !== undefined && (s < 0 || s > p))) {
    return { type: 'numeric', note: `precision (${declared.modifiers.join(',')}) is outside what PostgreSQL's numeric takes; mapped to numeric` };
  }
  return { type: s === undefined ? `numeric(${p})` : `numeric(${p},${s})`, note: null };
}

const exactNames: Record<string, (d: Declared, o: TypeMappingOptions) => MappedType> = {
  BOOLEAN: () => plain('boolean'),
  BOOL: () => plain('boolean'),
  DATETIME: (_, o) => plain(o.timestamp),
  TIMESTAMP: (_, o) => plain(o.timestamp),
  DATE: () => plain('date'),
  TIME: () => plain('time'),
  JSON: () => plain('jsonb'),
  JSONB: () => plain('jsonb'),
  UUID: () => plain('uuid'),
  TEXT: () => plain('text'),
  CLOB: () => plain('text'),
  BLOB: () => plain('bytea'),
  REAL: () => plain('double precision'),
  FLOAT: () => plain('double precision'),
  DOUBLE: () => plain('double precision'),
  'DOUBLE PRECISION': () => plain('double precision'),
  NUMERIC: numeric,
  DECIMAL: numeric,
  VARCHAR: (d) => sized('varchar', d),
  'CHARACTER VARYING': (d) => sized('varchar', d),
  'VARYING CHARACTER': (d) => sized('varchar', d),
  NVARCHAR: (d) => sized('varchar', d),
  'NATIVE CHARACTER': (d) => sized('varchar', d),
  CHAR: (d) => sized('char', d),
  CHARACTER: (d) => sized('char', d),
  NCHAR: (d) => sized('char', d),
};

function plain(type: string): MappedType {
  return { type, note: null };
}

/** SQLite's affinity rules (datatype3.html, 3.1), in their order. */
function byAffinity(name: string, options: TypeMappingOptions): MappedType {
  if (name === '') return plain('text');
  if (name.includes('INT')) return plain(options.integer);
  if (name.includes('CHAR') || name.includes('CLOB') || name.includes('TEXT')) return plain('text');
  if (name.includes('BLOB')) return plain('bytea');
  if (name.includes('REAL') || name.includes('FLOA') || name.includes('DOUB')) return plain('double precision');
  return plain('numeric');
}

/** PostgreSQL's other spellings of the types values are checked for, as the mapping spells them. */
const aliases: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:character varying|varchar)\s*\(\s*(\d+)\s*\)$/, 'varchar($1)'],
  [/^(?:character|char|bpchar)\s*\(\s*(\d+)\s*\)$/, 'char($1)'],
  [/^(?:character varying|varchar)$/, 'varchar'],
  [/^(?:int8|bigint)$/, 'bigint'],
  [/^(?:int|int4|integer)$/, 'integer'],
  [/^(?:int2|smallint)$/, 'smallint'],
  [/^(?:bool|boolean)$/, 'boolean'],
  [/^(?:float8|double precision|float)$/, 'double precision'],
  [/^(?:timestamp with time zone|timestamptz)$/, 'timestamptz'],
  [/^(?:timestamp without time zone|timestamp)$/, 'timestamp'],
  [/^(?:decimal|numeric)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/, 'numeric($1,$2)'],
  [/^(?:decimal|numeric)\s*\(\s*(\d+)\s*\)$/, 'numeric($1)'],
  [/^(?:decimal|numeric)$/, 'numeric'],
  [/^(?:time without time zone|time)$/, 'time'],
];

/** A plan's type name as the mapping spells it, so its values are checked (`character varying(3)` → `varchar(3)`). */
export function canonicalPgType(type: string): string {
  const plain = type.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [pattern, canonical] of aliases) if (pattern.test(plain)) return plain.replace(pattern, canonical);
  return type.trim();
}

/**
 * The PostgreSQL type for a column declared `declared` in SQLite. A rowid alias (INTEGER PRIMARY KEY of a rowid
 * table) is always bigint: SQLite gives it 64-bit values.
 *
 * @example mapSqliteType('orders', 'total', 'DECIMAL(10,2)', false) // { type: 'numeric(10,2)', note: null }
 */
export function mapSqliteType(table: string, column: string, declared: string, rowidAlias: boolean, options: TypeMappingOptions = defaultTypeMapping): MappedType {
  const cast = options.casts.find((c) => sameSqliteName(c.table, table) && sameSqliteName(c.column, column));
  if (cast) return { type: canonicalPgType(cast.type), note: cast.widened ?? null };
  if (rowidAlias) return plain('bigint');
  const parsed = parseDeclared(declared);
  const exact = exactNames[parsed.name];
  if (exact) return exact(parsed, options);
  if (parsed.name.includes('BOOL')) return plain('boolean');
  return byAffinity(parsed.name, options);
}
