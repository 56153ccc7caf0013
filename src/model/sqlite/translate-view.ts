/**
 * Pure: a SQLite view's SELECT as PostgreSQL text, when it means the same on both: tables and columns (renamed as
 * the tables were), aliases, joins, WHERE, GROUP BY, HAVING, ORDER BY (NULLs placed as SQLite places them), LIMIT,
 * UNION, literals, comparison, `+ - *`, CASE, IN, BETWEEN, EXISTS, subqueries, LIKE with a plain ASCII pattern, and
 * the functions that answer alike. Anything whose answer could differ — date functions, CAST's type names, `/` and
 * `%` (integer or not depends on what SQLite stored), round (half to even on doubles), upper/lower (SQLite folds only
 * ASCII), min/max of several arguments (NULL handling), `||` beside a number or date (printed differently), a
 * boolean column SQLite compares as 0/1, a NOCASE column, `IS` between values — is refused with the reason, and the
 * view is left out and reported rather than created with another meaning.
 */
import { qualifiedName, quoteIdent, quoteLiteral } from '../ddl/quote.js';
import { closingParen, isSymbol, isWord, splitTopLevel, type SqlToken } from './sql-tokens.js';
import { literalSql, type Translated } from './translate-expression.js';

export interface ViewNames {
  /** The schema the tables (and views) are in. */
  readonly schema: string;
  /** Lower-cased SQLite table or view name → PostgreSQL name. */
  readonly relations: ReadonlyMap<string, string>;
  /** Lower-cased SQLite table or view name → its columns: lower-cased SQLite name → PostgreSQL name. */
  readonly columnsOf: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Lower-cased SQLite column names (of any table) an expression cannot use, with why (boolean, NOCASE…). */
  readonly unusable: ReadonlyMap<string, string>;
  /** Lower-cased SQLite column names whose values PostgreSQL prints otherwise (numbers with a fraction, dates…). */
  readonly printedOtherwise: ReadonlySet<string>;
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
/** Function → PostgreSQL function with the same arguments and the same answers. */
const functions: Record<string, string> = {
  LENGTH: 'length',
  ABS: 'abs',
  COALESCE: 'coalesce',
  IFNULL: 'coalesce',
  NULLIF: 'nullif',
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
};
const operators: Record<string, string> = { '==': '=', '=': '=', '!=': '<>', '<>': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '+': '+', '-': '-', '*': '*', '||': '||', '(': '(', ')': ')', ',': ',', '.': '.' };
const clauseEnds = new Set(['LIMIT', 'OFFSET', 'UNION', 'INTERSECT', 'EXCEPT']);

class Refused extends Error {}

const isName = (t: SqlToken | undefined) => t !== undefined && (t.kind === 'word' || t.kind === 'quoted') && !keywords.has(t.text.toUpperCase());

/** The relations the query reads (after FROM or JOIN), lower-cased. */
function relationsRead(tokens: readonly SqlToken[], names: ViewNames): Set<string> {
  return new Set(tokens.filter((t, i) => isName(t) && relationBefore.has((tokens[i - 1]?.text ?? '').toUpperCase()) && names.relations.has(t.text.toLowerCase())).map((t) => t.text.toLowerCase()));
}

/** The aliases the query defines (after AS, or right after a table name), lower-cased. */
function aliasesOf(tokens: readonly SqlToken[], relations: ReadonlySet<string>): Set<string> {
  const aliases = new Set<string>();
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (!isName(next)) return;
    if (isWord(token, 'AS')) aliases.add(next!.text.toLowerCase());
    else if (isName(token) && relations.has(token.text.toLowerCase()) && relationBefore.has((tokens[i - 1]?.text ?? '').toUpperCase())) aliases.add(next!.text.toLowerCase());
  });
  return aliases;
}

/** ORDER BY items with the NULL placement SQLite uses (NULLs are the smallest values), where they do not say. */
function withSqliteNulls(tokens: readonly SqlToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  const word = (text: string): SqlToken => ({ kind: 'word', text });
  for (let i = 0; i < tokens.length; i += 1) {
    out.push(tokens[i]!);
    if (!(isWord(tokens[i], 'BY') && isWord(tokens[i - 1], 'ORDER'))) continue;
    let depth = 0;
    let end = i + 1;
    for (; end < tokens.length; end += 1) {
      const t = tokens[end]!;
      if (isSymbol(t, '(')) depth += 1;
      else if (isSymbol(t, ')')) {
        if (depth === 0) break;
        depth -= 1;
      } else if (depth === 0 && t.kind === 'word' && clauseEnds.has(t.text.toUpperCase())) break;
    }
    const items = splitTopLevel(tokens.slice(i + 1, end));
    items.forEach((item, n) => {
      if (n > 0) out.push({ kind: 'symbol', text: ',' });
      out.push(...item);
      if (item.some((t) => isWord(t, 'NULLS'))) return;
      out.push(word('NULLS'), word(isWord(item[item.length - 1], 'DESC') ? 'LAST' : 'FIRST'));
    });
    i = end - 1;
  }
  return out;
}

interface Scope {
  readonly names: ViewNames;
  readonly aliases: ReadonlySet<string>;
  /** Lower-cased SQLite column name → PostgreSQL names, over the relations the query reads. */
  readonly columns: ReadonlyMap<string, ReadonlySet<string>>;
}

function translateName(tokens: readonly SqlToken[], i: number, scope: Scope): string {
  const { names, aliases, columns } = scope;
  const token = tokens[i]!;
  const lower = token.text.toLowerCase();
  const previous = tokens[i - 1];
  if (isWord(previous, 'AS') || aliases.has(lower)) return quoteIdent(names.fold(token.text));
  if (relationBefore.has((previous?.text ?? '').toUpperCase()) || isSymbol(tokens[i + 1], '.')) {
    const relation = names.relations.get(lower);
    if (relation !== undefined) return qualifiedName(names.schema, relation);
  }
  const pg = columns.get(lower);
  if (!pg) throw new Refused(`the name ${token.text}`);
  const unusable = names.unusable.get(lower);
  if (unusable !== undefined) throw new Refused(`the column ${token.text}, ${unusable}`);
  if (pg.size !== 1) throw new Refused(`the column ${token.text}, named differently in two tables`);
  const beside = [tokens[i - 1], tokens[i + 1]];
  if (names.printedOtherwise.has(lower) && beside.some((t) => isSymbol(t, '||'))) throw new Refused(`|| beside ${token.text}, whose values PostgreSQL prints otherwise`);
  return quoteIdent([...pg][0]!);
}

function translateTokens(tokens: readonly SqlToken[], scope: Scope): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const upper = token.text.toUpperCase();
    const literal = literalSql(token);
    if (literal === null) throw new Refused('a blob literal');
    if (literal !== undefined) out.push(literal);
    else if (token.kind === 'symbol') {
      const op = operators[token.text];
      if (!op) throw new Refused(`the operator ${token.text}`);
      out.push(op);
    } else if (token.kind === 'word' && upper === 'LIKE') {
      // SQLite's LIKE ignores ASCII case only and has no escape character: the same answers for an ASCII pattern.
      const pattern = tokens[i + 1];
      if (pattern?.kind !== 'string' || !/^[\x20-\x7e]*$/.test(pattern.text) || isWord(tokens[i + 2], 'ESCAPE')) throw new Refused('LIKE with a pattern that is not a plain ASCII literal');
      out.push('ILIKE', quoteLiteral(pattern.text), "ESCAPE ''");
      i += 1;
    } else if (token.kind === 'word' && upper === 'LIMIT' && (isSymbol(tokens[i + 1], '-') || isSymbol(tokens[i + 2], ','))) {
      throw new Refused('LIMIT with a negative count or as LIMIT offset, count');
    } else if (token.kind === 'word' && upper === 'IS' && !(isWord(tokens[i + 1], 'NULL') || (isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'NULL')))) {
      throw new Refused('IS between two values');
    } else if (token.kind === 'word' && keywords.has(upper)) out.push(upper);
    else if (token.kind === 'word' && isSymbol(tokens[i + 1], '(')) {
      const end = closingParen(tokens, i + 1);
      const args = splitTopLevel(tokens.slice(i + 2, end - 1));
      const fn = upper === 'MIN' || upper === 'MAX' ? (args.length === 1 ? upper.toLowerCase() : undefined) : functions[upper];
      if (!fn) throw new Refused(`the function ${token.text}()${upper === 'MIN' || upper === 'MAX' ? ' of several arguments' : ''}`);
      out.push(fn);
    } else out.push(translateName(tokens, i, scope));
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
 * The SELECT of `CREATE VIEW name [(columns)] AS select` in PostgreSQL, with its column list (PostgreSQL names) and
 * the relations it reads, or why it does not translate.
 */
export function translateView(tokens: readonly SqlToken[], names: ViewNames): Translated & { readonly columns?: readonly string[]; readonly uses?: readonly string[] } {
  const as = tokens.findIndex((t) => isWord(t, 'AS'));
  if (as < 0 || !isWord(tokens[as + 1], 'SELECT', 'WITH')) return { refused: 'a view definition it cannot read' };
  if (isWord(tokens[as + 1], 'WITH')) return { refused: 'a WITH clause' };
  const listed = viewColumnList(tokens);
  const body = tokens.slice(as + 1).filter((t, i, all) => !(i === all.length - 1 && isSymbol(t, ';')));
  const read = relationsRead(body, names);
  const columns = new Map<string, Set<string>>();
  for (const relation of read) for (const [sqlite, pg] of names.columnsOf.get(relation) ?? []) columns.set(sqlite, new Set([...(columns.get(sqlite) ?? []), pg]));
  try {
    const sql = translateTokens(withSqliteNulls(body), { names, aliases: aliasesOf(body, read), columns })
      .join(' ')
      .replace(/ \. /g, '.')
      .replace(/\( /g, '(')
      .replace(/ \)/g, ')')
      .replace(/ ,/g, ',')
      .replace(/(\w) \(/g, '$1(');
    return { sql, ...(listed.length > 0 ? { columns: listed.map(names.fold) } : {}), uses: [...read].map((r) => names.relations.get(r)!) };
  } catch (error) {
    if (error instanceof Refused) return { refused: error.message };
    throw error;
  }
}
