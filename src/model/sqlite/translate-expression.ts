/**
 * Pure: a SQLite expression (a CHECK, a partial index's WHERE, an index key, a generated column) as PostgreSQL
 * text, when it uses only what means the same on both: columns, literals, comparison and arithmetic, AND/OR/NOT,
 * IS [NOT] NULL, IN, BETWEEN, CASE and a few functions. Anything else is refused with the reason, to be reported.
 */
import { quoteIdent, quoteLiteral } from '../ddl/quote.js';
import { isSymbol, isWord, type SqlToken } from './sql-tokens.js';

export type Translated = { readonly sql: string } | { readonly refused: string };

export interface ExpressionColumns {
  /** SQLite column name, lower-cased (SQLite compares them so), to the PostgreSQL name. */
  readonly names: ReadonlyMap<string, string>;
  /**
   * Lower-cased SQLite names of columns an expression cannot use, with why: one that becomes boolean (SQLite
   * compares it as 0 and 1, PostgreSQL refuses that), one the value policy widened (its values are no longer of the
   * type the expression was written for).
   */
  readonly unusable: ReadonlyMap<string, string>;
}

const keywords = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'TRUE', 'FALSE']);
/** SQLite function → PostgreSQL function taking the same arguments with the same meaning. */
const functions: Record<string, string> = {
  LOWER: 'lower',
  UPPER: 'upper',
  LENGTH: 'length',
  ABS: 'abs',
  COALESCE: 'coalesce',
  IFNULL: 'coalesce',
  NULLIF: 'nullif',
  TRIM: 'btrim',
  LTRIM: 'ltrim',
  RTRIM: 'rtrim',
};
const operators: Record<string, string> = { '==': '=', '=': '=', '!=': '<>', '<>': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||', '(': '(', ')': ')', ',': ',' };

/**
 * A literal token in PostgreSQL: a number as written, a string quoted; null for a blob literal (its bytea type would
 * change what it compares with); undefined for a token that is no literal.
 */
export function literalSql(token: SqlToken): string | null | undefined {
  if (token.kind === 'number') return token.text;
  if (token.kind === 'string') return quoteLiteral(token.text);
  return token.kind === 'blob' ? null : undefined;
}

/** Translates `tokens`; `columns` names the table's columns. */
export function translateExpression(tokens: readonly SqlToken[], columns: ExpressionColumns): Translated {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const upper = token.text.toUpperCase();
    const literal = literalSql(token);
    if (literal === null) return { refused: 'a blob literal' };
    if (literal !== undefined) out.push(literal);
    else if (token.kind === 'symbol') {
      const op = operators[token.text];
      if (!op) return { refused: `the operator ${token.text}` };
      out.push(op);
    } else if (token.kind === 'word' && upper === 'LIKE') out.push('ILIKE'); // SQLite's LIKE ignores ASCII case
    else if (token.kind === 'word' && keywords.has(upper)) out.push(upper);
    else if (token.kind === 'word' && isSymbol(tokens[i + 1], '(')) {
      const fn = functions[upper];
      if (!fn) return { refused: `the function ${token.text}()` };
      out.push(fn);
    } else {
      const column = columns.names.get(token.text.toLowerCase());
      if (column === undefined) return { refused: `the name ${token.text}` };
      const unusable = columns.unusable.get(token.text.toLowerCase());
      if (unusable !== undefined) return { refused: `the column ${token.text}, ${unusable}` };
      if (isWord(tokens[i + 1], 'COLLATE')) return { refused: 'a COLLATE clause' };
      out.push(quoteIdent(column));
    }
  }
  if (out.length === 0) return { refused: 'an empty expression' };
  return { sql: out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ',') };
}
