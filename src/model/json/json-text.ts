/**
 * Pure: JSON text as values, strictly (RFC 8259), with what JSON.parse hides: a duplicate key is an error (or, as
 * PostgreSQL's jsonb reads it, the last one counts), every error says the line and column, and a number keeps its
 * text (an id past 2^53, 0.10 and 0.1 told apart) beside its value.
 */

/** A JSON number: its text as written, and its value as a double. */
export class JsonNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
  /** In JSON.stringify (a result printed with --json): the number, or its text when a double would bend it. */
  toJSON(): number | string {
    const value = this.value;
    return Number.isFinite(value) && JSON.stringify(value) === this.text ? value : this.text;
  }
  /** No fraction and no exponent. */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

export type JsonValue = string | boolean | null | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export class JsonTextError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/** Line and column (1-based) of `offset` in `text`, plus the line `lineOffset` the text starts at. */
function place(text: string, offset: number, lineOffset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line: line + lineOffset, column: offset - start + 1 };
}

export interface JsonTextOptions {
  /** Added to the lines errors name (for a line of an NDJSON file). */
  readonly lineOffset?: number;
  /** refuse (default): a key given twice in one object is an error; last: the last one counts, as in jsonb. */
  readonly duplicateKeys?: 'refuse' | 'last';
  /**
   * Called with every string (keys included) and number as it is read, also one a later duplicate key replaces:
   * throws to refuse it (jsonb refuses \u0000, and numbers past numeric's range).
   */
  readonly checkValue?: (value: string | JsonNumber) => void;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Reader {
  private at = 0;
  private readonly lineOffset: number;
  constructor(
    private readonly text: string,
    private readonly options: JsonTextOptions,
  ) {
    this.lineOffset = options.lineOffset ?? 0;
  }

  fail(reason: string, offset = this.at): never {
    const { line, column } = place(this.text, offset, this.lineOffset);
    throw new JsonTextError(reason, line, column);
  }

  space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at += 1;
  }

  end(): void {
    this.space();
    if (this.at < this.text.length) this.fail('text after the end of the JSON value');
  }

  value(): JsonValue {
    this.space();
    const ch = this.text[this.at];
    if (ch === undefined) this.fail('the text ends where a value should be (is the file cut short?)');
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    const word = /^(true|false|null)/.exec(this.text.slice(this.at, this.at + 5));
    if (word) {
      this.at += word[1]!.length;
      return word[1] === 'null' ? null : word[1] === 'true';
    }
    numberPattern.lastIndex = this.at;
    const number = numberPattern.exec(this.text);
    if (!number) this.fail(`unexpected ${JSON.stringify(ch)}`);
    this.at += number[0].length;
    const value = new JsonNumber(number[0]);
    this.options.checkValue?.(value);
    return value;
  }

  private string(): string {
    const start = this.at;
    for (let i = this.at + 1; i < this.text.length; i += 1) {
      const c = this.text[i]!;
      if (c === '\\') i += 1;
      else if (c === '"') {
        this.at = i + 1;
        let value: string;
        try {
          value = JSON.parse(this.text.slice(start, i + 1)) as string;
        } catch {
          return this.fail('a string with a bad escape or a control character', start);
        }
        this.options.checkValue?.(value);
        return value;
      } else if (c === '\n') this.fail('a string runs past the end of its line', start);
    }
    return this.fail('a string is not closed (is the file cut short?)', start);
  }

  private array(): JsonValue[] {
    this.at += 1;
    const items: JsonValue[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const ch = this.text[this.at];
      if (ch === ']') {
        this.at += 1;
        return items;
      }
      if (ch !== ',') this.fail(ch === undefined ? 'an array is not closed (is the file cut short?)' : `expected , or ] but found ${JSON.stringify(ch)}`);
      this.at += 1;
    }
  }

  private object(): { [key: string]: JsonValue } {
    this.at += 1;
    const entries: { [key: string]: JsonValue } = {};
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return entries;
    }
    for (;;) {
      this.space();
      const keyAt = this.at;
      if (this.text[this.at] !== '"') this.fail(this.text[this.at] === undefined ? 'an object is not closed (is the file cut short?)' : 'expected a key in double quotes');
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(entries, key)) {
        if (this.options.duplicateKeys !== 'last') this.fail(`the key ${JSON.stringify(key)} appears twice in one object`, keyAt);
        delete entries[key];
      }
      this.space();
      if (this.text[this.at] !== ':') this.fail('expected : after a key');
      this.at += 1;
      Object.defineProperty(entries, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.space();
      const ch = this.text[this.at];
      if (ch === '}') {
        this.at += 1;
        return entries;
      }
      if (ch !== ',') this.fail(ch === undefined ? 'an object is not closed (is the file cut short?)' : `expected , or } but found ${JSON.stringify(ch)}`);
      this.at += 1;
    }
  }
}

/**
 * One JSON text as a value.
 *
 * @example parseJsonText('{"id": 12345678901234567890}') // { id: JsonNumber { text: '12345678901234567890' } }
 */
export function parseJsonText(text: string, options: JsonTextOptions = {}): JsonValue {
  const reader = new Reader(text, options);
  const value = reader.value();
  reader.end();
  return value;
}

export function isJsonObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/**
 * The JSON text of a value read by parseJsonText or given by an application: a JsonNumber keeps its text, undefined
 * fields are left out (as JSON.stringify does), a Date is its ISO string.
 */
export function jsonTextOf(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(jsonTextOf).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value);
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${jsonTextOf(v)}`)
    .join(',')}}`;
}

/** A value read by parseJsonText as an application sees it: a number as a JavaScript number. */
export function plainJson(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (Array.isArray(value)) return value.map(plainJson);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v)]));
  return value;
}
