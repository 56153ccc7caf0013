/**
 * Pure: a SQLite column default (as pragma_table_xinfo gives it) as a PostgreSQL expression for a column of type
 * `type`, or null when it does not translate — the caller reports it, never copies it as text.
 */
import { quoteLiteral } from '../ddl/quote.js';
import { tokenize, type SqlToken } from './sql-tokens.js';

const timestampTypes = new Set(['timestamptz', 'timestamp']);

/** SQLite's CURRENT_TIMESTAMP is UTC text 'YYYY-MM-DD HH:MM:SS'; a text column keeps that shape. */
function now(type: string, part: 'timestamp' | 'date' | 'time'): string | null {
  if (part === 'timestamp' && timestampTypes.has(type)) return 'CURRENT_TIMESTAMP';
  if (part === 'date' && (type === 'date' || timestampTypes.has(type))) return 'CURRENT_DATE';
  if (part === 'time' && type === 'time') return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::time(0)";
  const format = { timestamp: 'YYYY-MM-DD HH24:MI:SS', date: 'YYYY-MM-DD', time: 'HH24:MI:SS' }[part];
  if (type === 'text' || type.startsWith('varchar')) return `to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', '${format}')`;
  return null;
}

function isCall(tokens: readonly SqlToken[], name: string, args: readonly string[]): boolean {
  const expected = [name, '(', ...args.flatMap((a, i) => (i === 0 ? [a] : [',', a])), ')'];
  return tokens.length === expected.length && tokens.every((t, i) => (i === 0 ? t.text.toLowerCase() === name : t.text === expected[i]));
}

function literal(tokens: readonly SqlToken[], type: string): string | null {
  const negative = tokens.length === 2 && tokens[0]!.text === '-';
  const token = negative ? tokens[1]! : tokens[0]!;
  if (tokens.length !== (negative ? 2 : 1)) return null;
  if (token.kind === 'number') {
    const value = `${negative ? '-' : ''}${token.text}`;
    if (type === 'boolean') return value === '0' ? 'false' : value === '1' ? 'true' : null;
    if (/^-?0x/i.test(value)) return null;
    return timestampTypes.has(type) || type === 'date' || type === 'time' || type === 'bytea' ? null : value;
  }
  if (negative) return null;
  if (token.kind === 'string') return type === 'bytea' ? null : quoteLiteral(token.text);
  if (token.kind === 'blob') return type === 'bytea' && /^[0-9a-f]*$/i.test(token.text) ? `'\\x${token.text.toLowerCase()}'::bytea` : null;
  const word = token.text.toUpperCase();
  if (word === 'TRUE' || word === 'FALSE') return type === 'boolean' ? word.toLowerCase() : word === 'TRUE' ? '1' : '0';
  return null;
}

/**
 * @example translateDefault("datetime('now')", 'timestamptz') // 'CURRENT_TIMESTAMP'
 * @returns the expression, `null` for no default (SQLite's DEFAULT NULL), or `undefined` when it does not translate.
 */
export function translateDefault(sqliteDefault: string | null, type: string): string | null | undefined {
  if (sqliteDefault === null) return null;
  let tokens = tokenize(sqliteDefault);
  while (tokens.length > 2 && tokens[0]!.text === '(' && tokens[tokens.length - 1]!.text === ')') tokens = tokens.slice(1, -1);
  if (tokens.length === 1 && tokens[0]!.kind === 'word') {
    const word = tokens[0]!.text.toUpperCase();
    if (word === 'NULL') return null;
    if (word === 'CURRENT_TIMESTAMP') return now(type, 'timestamp') ?? undefined;
    if (word === 'CURRENT_DATE') return now(type, 'date') ?? undefined;
    if (word === 'CURRENT_TIME') return now(type, 'time') ?? undefined;
  }
  if (isCall(tokens, 'datetime', ['now'])) return now(type, 'timestamp') ?? undefined;
  if (isCall(tokens, 'date', ['now'])) return now(type, 'date') ?? undefined;
  if (isCall(tokens, 'time', ['now'])) return now(type, 'time') ?? undefined;
  if (isCall(tokens, 'strftime', ['%s', 'now'])) {
    if (type === 'bigint' || type === 'integer') return 'extract(epoch FROM CURRENT_TIMESTAMP)::bigint';
    if (type === 'text') return 'extract(epoch FROM CURRENT_TIMESTAMP)::bigint::text';
    return undefined;
  }
  return literal(tokens, type) ?? undefined;
}
