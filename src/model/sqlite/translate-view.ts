/**
 * Pure: a SQLite view's SELECT as PostgreSQL text, when it uses only what means the same on both: tables and
 * columns (renamed as the tables were), aliases, joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, UNION, literals,
 * comparison and arithmetic, CASE, IN, BETWEEN, EXISTS, subqueries, and the functions both have. Anything else
 * (date functions, CAST's type names, a boolean column SQLite compares as 0/1, `IS` between values) is refused with
 * the reason, and the view is left out and reported rather than created with another meaning.
 */
import { qualifiedName, quoteIdent, quoteLiteral } from '../ddl/quote.js';
import { closingParen, isSymbol, isWord, splitTopLevel, type SqlToken } from './sql-tokens.js';
import type { Translated } from './translate-expression.js';

export interface ViewNames {
  /** The schema the tables (and views) are in. */
  readonly schema: string;
  /** Lower-cased SQLite table or view name → PostgreSQL name. */
  readonly relations: ReadonlyMap<string, string>;
  /** Lower-cased SQLite column name → its PostgreSQL names in the tables that have it (one when unambiguous). */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
  /** Lower-cased SQLite names of columns that become boolean. */
  readonly booleans: ReadonlySet<string>;
  /** How a name the view makes up (an alias, an output column) is spelled: folded or kept. */
  readonly fold: (name: string) => string;
}

const keywords = new Set([
  'SELECT', 'DISTINCT', 'ALL', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'ASC', 'DESC', 'LIMIT', 'OFFSET', 'AS', 'JOIN', 'INNER', 'LEFT',
  'OUTER', 'CROSS', 'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'AND', 'OR', 'NOT', 'NULL', 'IN', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE',
  'END', 'EXISTS', 'TRUE', 'FALSE', 'NULLS', 'FIRST', 'LAST', 'IS',
]);
/** Words after which a name is a table (or view) reference. */
const relationBefore = new Set(['FROM', 'JOIN']);
/** Function → PostgreSQL function with the same arguments and meaning. */
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
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  ROUND: 'round',
};
const operators: Record<string, string> = { '==': '=', '=': '=', '!=': '<>', '<>': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||', '(': '(', ')': ')', ',': ',', '.': '.' };

class Refused extends Error {}

/** The aliases the query defines (after AS, or right after a table name), lower-cased. */
function aliasesOf(tokens: readonly SqlToken[], names: ViewNames): Set<string> {
  const aliases = new Set<string>();
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (!next || (next.kind !== 'word' && next.kind !== 'quoted') || keywords.has(next.text.toUpperCase())) return;
    if (isWord(token, 'AS')) aliases.add(next.text.toLowerCase());
    else if ((token.kind === 'word' || token.kind === 'quoted') && names.relations.has(token.text.toLowerCase()) && relationBefore.has((tokens[i - 1]?.text ?? '').toUpperCase())) aliases.add(next.text.toLowerCase());
  });
  return aliases;
}

function translateName(tokens: readonly SqlToken[], i: number, names: ViewNames, aliases: ReadonlySet<string>): string {
  const token = tokens[i]!;
  const lower = token.text.toLowerCase();
  const previous = tokens[i - 1];
  if (isWord(previous, 'AS') || aliases.has(lower)) return quoteIdent(names.fold(token.text));
  if (relationBefore.has((previous?.text ?? '').toUpperCase()) || isSymbol(tokens[i + 1], '.')) {
    const relation = names.relations.get(lower);
    if (relation !== undefined) return qualifiedName(names.schema, relation);
  }
  const columns = names.columns.get(lower);
  if (!columns) throw new Refused(`the name ${token.text}`);
  if (names.booleans.has(lower)) throw new Refused(`the boolean column ${token.text}, which SQLite compares as a number`);
  if (columns.size !== 1) throw new Refused(`the column ${token.text}, named differently in two tables`);
  return quoteIdent([...columns][0]!);
}

function translateTokens(tokens: readonly SqlToken[], names: ViewNames, aliases: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const upper = token.text.toUpperCase();
    if (token.kind === 'number') out.push(token.text);
    else if (token.kind === 'string') out.push(quoteLiteral(token.text));
    else if (token.kind === 'blob') throw new Refused('a blob literal');
    else if (token.kind === 'symbol') {
      const op = operators[token.text];
      if (!op) throw new Refused(`the operator ${token.text}`);
      out.push(op);
    } else if (token.kind === 'word' && upper === 'LIKE') out.push('ILIKE');
    else if (token.kind === 'word' && upper === 'IS' && !(isWord(tokens[i + 1], 'NULL') || (isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'NULL')))) {
      throw new Refused('IS between two values');
    } else if (token.kind === 'word' && keywords.has(upper)) out.push(upper);
    else if (token.kind === 'word' && isSymbol(tokens[i + 1], '(')) {
      const end = closingParen(tokens, i + 1);
      const args = splitTopLevel(tokens.slice(i + 2, end - 1));
      // SQLite's min and max of two or more arguments are PostgreSQL's least and greatest.
      const fn = upper === 'MIN' || upper === 'MAX' ? (args.length > 1 ? (upper === 'MIN' ? 'least' : 'greatest') : upper.toLowerCase()) : functions[upper];
      if (!fn) throw new Refused(`the function ${token.text}()`);
      out.push(fn);
    } else out.push(translateName(tokens, i, names, aliases));
  }
  return out;
}

/** The column list of `CREATE VIEW name (columns) AS …`, as SQLite spells them; empty without one. */
export function viewColumnList(tokens: readonly SqlToken[]): string[] {
  const as = tokens.findIndex((t) => isWord(t, 'AS'));
  const head = tokens.slice(0, as < 0 ? 0 : as);
  const open = head.findIndex((t) => isSymbol(t, '('));
  return open < 0 ? [] : splitTopLevel(head.slice(open + 1, closingParen(head, open) - 1)).map((c) => c[0]!.text);
}

/**
 * The SELECT of `CREATE VIEW name [(columns)] AS select` in PostgreSQL, with its column list (PostgreSQL names),
 * or why it does not translate.
 */
export function translateView(tokens: readonly SqlToken[], names: ViewNames): Translated & { readonly columns?: readonly string[]; readonly uses?: readonly string[] } {
  const as = tokens.findIndex((t) => isWord(t, 'AS'));
  if (as < 0 || !isWord(tokens[as + 1], 'SELECT', 'WITH')) return { refused: 'a view definition it cannot read' };
  if (isWord(tokens[as + 1], 'WITH')) return { refused: 'a WITH clause' };
  const listed = viewColumnList(tokens);
  const columns = listed.length > 0 ? listed.map(names.fold) : undefined;
  const body = tokens.slice(as + 1).filter((t, i, all) => !(i === all.length - 1 && isSymbol(t, ';')));
  try {
    const sql = translateTokens(body, names, aliasesOf(body, names))
      .join(' ')
      .replace(/ \. /g, '.')
      .replace(/\( /g, '(')
      .replace(/ \)/g, ')')
      .replace(/ ,/g, ',')
      .replace(/(\w) \(/g, '$1(');
    const uses = body.filter((t, i) => (t.kind === 'word' || t.kind === 'quoted') && relationBefore.has((body[i - 1]?.text ?? '').toUpperCase())).map((t) => names.relations.get(t.text.toLowerCase()));
    return { sql, ...(columns ? { columns } : {}), uses: uses.filter((u): u is string => u !== undefined) };
  } catch (error) {
    if (error instanceof Refused) return { refused: error.message };
    throw error;
  }
}
