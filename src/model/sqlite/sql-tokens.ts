/** Pure: SQLite SQL text as tokens, and the few shapes the schema reader looks for in CREATE statements. */

export interface SqlToken {
  readonly kind: 'word' | 'quoted' | 'string' | 'blob' | 'number' | 'symbol';
  /** For a word or symbol its text; for a quoted name or a string, the unquoted value; for a blob, its hex digits. */
  readonly text: string;
}

const symbols = ['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '(', ')', ',', ';', '.', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '~'];

function quotedUntil(sql: string, start: number, close: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (sql[i + 1] === close && close !== ']') {
        value += close;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += sql[i];
    i += 1;
  }
  throw new Error(`unterminated ${close} in SQL text`);
}

/** Splits SQLite SQL into tokens, skipping whitespace and comments. */
export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) i += 1;
    else if (sql.startsWith('--', i)) i = sql.includes('\n', i) ? sql.indexOf('\n', i) + 1 : sql.length;
    else if (sql.startsWith('/*', i)) i = sql.includes('*/', i) ? sql.indexOf('*/', i) + 2 : sql.length;
    else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      const { value, end } = quotedUntil(sql, i + 1, "'");
      tokens.push({ kind: 'blob', text: value });
      i = end;
    } else if (c === "'") {
      const { value, end } = quotedUntil(sql, i, "'");
      tokens.push({ kind: 'string', text: value });
      i = end;
    } else if (c === '"' || c === '`' || c === '[') {
      const { value, end } = quotedUntil(sql, i, c === '[' ? ']' : c);
      tokens.push({ kind: 'quoted', text: value });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const match = /^(0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?|[0-9]+\.)/i.exec(sql.slice(i))!;
      tokens.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const match = /^[A-Za-z_0-9$\u0080-\uffff]+/.exec(sql.slice(i))!;
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    } else {
      const symbol = symbols.find((s) => sql.startsWith(s, i));
      if (!symbol) throw new Error(`unexpected character ${JSON.stringify(c)} in SQL text`);
      tokens.push({ kind: 'symbol', text: symbol });
      i += symbol.length;
    }
  }
  return tokens;
}

export function isWord(token: SqlToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

export function isSymbol(token: SqlToken | undefined, symbol: string): boolean {
  return token?.kind === 'symbol' && token.text === symbol;
}

/** A name token (bare word or quoted), unquoted. */
export function nameOf(token: SqlToken | undefined): string | null {
  return token && (token.kind === 'word' || token.kind === 'quoted' || token.kind === 'string') ? token.text : null;
}

/** The index just past the parenthesis closing the one at `open`. */
export function closingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if (isSymbol(tokens[i], '(')) depth += 1;
    else if (isSymbol(tokens[i], ')')) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unbalanced parentheses in SQL text');
}

/** Splits tokens at commas outside parentheses. */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const parts: SqlToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isSymbol(token, '(')) depth += 1;
    if (isSymbol(token, ')')) depth -= 1;
    if (depth === 0 && isSymbol(token, ',')) parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts.filter((p) => p.length > 0);
}
