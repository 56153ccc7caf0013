/**
 * Pure: JSON text as PostgreSQL's jsonb prints it (jsonb_out), so the copy sends what the target will hold and verify
 * compares like with like: keys sorted shorter first then bytewise, the last of duplicate keys kept, ", " and ": "
 * between items, numbers as numeric prints them (1e2 → 100, 1.50e1 → 15.0), strings re-escaped as escape_json does.
 */

import { JsonNumber, JsonTextError, parseJsonText, type JsonValue } from '../json/json-text.js';

/** A value jsonb does not take although it is JSON: a number outside numeric's range, \u0000, a lone surrogate. */
class JsonSyntaxError extends Error {}

/** A JSON number's text as PostgreSQL numeric prints it. */
export function numericText(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new JsonSyntaxError(`bad number ${text}`);
  const [, sign, whole = '', fraction = '', exponentText = '0'] = m;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > 131_072) throw new JsonSyntaxError(`the number ${text} is outside numeric's range`);
  const scale = Math.max(0, fraction.length - exponent);
  let digits = whole + fraction;
  let point = whole.length + exponent;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const integer = digits.slice(0, point).replace(/^0+/, '') || '0';
  // numeric's limits: 131072 digits before the point, a display scale of 16383.
  if (integer.length > 131_072 || scale > 16_383) throw new JsonSyntaxError(`the number ${text} is outside numeric's range`);
  const places = digits.slice(point).padEnd(scale, '0').slice(0, scale);
  const zero = /^0*$/.test(integer + places);
  return `${zero ? '' : sign}${integer}${scale > 0 ? `.${places}` : ''}`;
}

function escapeJson(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Refuses what jsonb does not store: \u0000 or a lone surrogate (it cannot be UTF-8), a number past numeric's range. */
function checkJsonbValue(value: string | JsonNumber): void {
  if (value instanceof JsonNumber) {
    numericText(value.text);
    return;
  }
  if (value.includes('\0')) throw new JsonSyntaxError('\\u0000 is not allowed in jsonb');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) throw new JsonSyntaxError('a lone surrogate escape');
}

/** jsonb orders keys by their UTF-8 length, then bytewise. */
function compareKeys(a: string, b: string): number {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length - y.length || Buffer.compare(x, y);
}

function print(value: JsonValue): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return escapeJson(value);
  if (value instanceof JsonNumber) return numericText(value.text);
  if (Array.isArray(value)) return `[${value.map(print).join(', ')}]`;
  const keys = Object.keys(value).sort(compareKeys);
  return `{${keys.map((k) => `${escapeJson(k)}: ${print(value[k]!)}`).join(', ')}}`;
}

/**
 * `text` as jsonb prints it, or why jsonb does not take it.
 *
 * @example jsonbText('{"b":1, "a":[1e2,"x"]}') // { text: '{"a": [100, "x"], "b": 1}' }
 */
export function jsonbText(text: string): { text: string } | { rejected: string } {
  try {
    return { text: print(parseJsonText(text, { duplicateKeys: 'last', checkValue: checkJsonbValue })) };
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof JsonTextError) return { rejected: `not valid JSON for jsonb (${error.message})` };
    throw error;
  }
}
