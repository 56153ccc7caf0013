/**
 * Pure: JSON text as PostgreSQL's jsonb prints it (jsonb_out), so the copy sends what the target will hold and verify
 * compares like with like: keys sorted shorter first then bytewise, the last of duplicate keys kept, ", " and ": "
 * between items, numbers as numeric prints them (1e2 → 100, 1.50e1 → 15.0), strings re-escaped as escape_json does.
 */

type JsonValue = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'array'; readonly items: JsonValue[] } | { readonly kind: 'object'; readonly entries: Map<string, JsonValue> };

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

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  parse(): JsonValue {
    const value = this.value();
    this.space();
    if (this.at !== this.text.length) throw new JsonSyntaxError('text after the value');
    return value;
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  private value(): JsonValue {
    this.space();
    const ch = this.text[this.at];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return { kind: 'literal', text: escapeJson(this.string()) };
    const word = /^(true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.at, this.at + 400));
    if (!word) throw new JsonSyntaxError('not a JSON value');
    this.at += word[1]!.length;
    return { kind: 'literal', text: /^[tfn]/.test(word[1]!) ? word[1]! : numericText(word[1]!) };
  }

  private string(): string {
    const end = this.stringEnd();
    const raw = this.text.slice(this.at, end + 1);
    this.at = end + 1;
    const decoded = JSON.parse(raw) as string;
    // jsonb refuses \u0000, and a lone surrogate cannot be stored as UTF-8.
    if (decoded.includes('\0')) throw new JsonSyntaxError('\\u0000 is not allowed in jsonb');
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(decoded)) throw new JsonSyntaxError('a lone surrogate escape');
    return decoded;
  }

  private stringEnd(): number {
    for (let i = this.at + 1; i < this.text.length; i += 1) {
      if (this.text[i] === '\\') i += 1;
      else if (this.text[i] === '"') return i;
    }
    throw new JsonSyntaxError('unterminated string');
  }

  private array(): JsonValue {
    this.at += 1;
    const items: JsonValue[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const ch = this.text[this.at++];
      if (ch === ']') return { kind: 'array', items };
      if (ch !== ',') throw new JsonSyntaxError('expected , or ]');
    }
  }

  private object(): JsonValue {
    this.at += 1;
    const entries = new Map<string, JsonValue>();
    this.space();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw new JsonSyntaxError('expected a key');
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ':') throw new JsonSyntaxError('expected :');
      entries.delete(key);
      entries.set(key, this.value());
      this.space();
      const ch = this.text[this.at++];
      if (ch === '}') return { kind: 'object', entries };
      if (ch !== ',') throw new JsonSyntaxError('expected , or }');
    }
  }
}

/** jsonb orders keys by their UTF-8 length, then bytewise. */
function compareKeys(a: string, b: string): number {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length - y.length || Buffer.compare(x, y);
}

function print(value: JsonValue): string {
  if (value.kind === 'literal') return value.text;
  if (value.kind === 'array') return `[${value.items.map(print).join(', ')}]`;
  const keys = [...value.entries.keys()].sort(compareKeys);
  return `{${keys.map((k) => `${escapeJson(k)}: ${print(value.entries.get(k)!)}`).join(', ')}}`;
}

/**
 * `text` as jsonb prints it, or why jsonb does not take it.
 *
 * @example jsonbText('{"b":1, "a":[1e2,"x"]}') // { text: '{"a": [100, "x"], "b": 1}' }
 */
export function jsonbText(text: string): { text: string } | { rejected: string } {
  try {
    return { text: print(new Parser(text).parse()) };
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof SyntaxError) return { rejected: `not valid JSON for jsonb (${error.message})` };
    throw error;
  }
}
