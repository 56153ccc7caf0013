/**
 * What a CREATE TABLE statement says that SQLite's pragmas do not: CHECK constraints, collations, generated
 * columns' expressions, AUTOINCREMENT, WITHOUT ROWID, and foreign keys' names and deferrability.
 */
import { closingParen, isSymbol, isWord, nameOf, splitTopLevel, tokenize, type SqlToken } from '../../model/sqlite/sql-tokens.js';

export interface CheckClause {
  readonly name: string | null;
  /** The CHECK's expression, inside its parentheses. */
  readonly tokens: readonly SqlToken[];
  /** The column it is declared on, for a column constraint. */
  readonly column: string | null;
}

export interface ColumnClauses {
  readonly name: string;
  readonly collation: string | null;
  readonly generated: { readonly tokens: readonly SqlToken[]; readonly stored: boolean } | null;
  readonly autoincrement: boolean;
}

export interface ForeignKeyClause {
  readonly name: string | null;
  readonly from: readonly string[];
  readonly table: string;
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
}

export interface TableClauses {
  readonly withoutRowid: boolean;
  readonly columns: readonly ColumnClauses[];
  readonly checks: readonly CheckClause[];
  readonly foreignKeys: readonly ForeignKeyClause[];
}

const clauseStarts = ['CONSTRAINT', 'CHECK', 'DEFAULT', 'COLLATE', 'GENERATED', 'AS', 'PRIMARY', 'UNIQUE', 'REFERENCES'];

function names(tokens: readonly SqlToken[]): string[] {
  return splitTopLevel(tokens).map((part) => nameOf(part[0]) ?? '');
}

/** REFERENCES table [(columns)] [actions] [[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]], from `at`. */
function referencesClause(part: readonly SqlToken[], at: number, name: string | null, from: readonly string[]): { clause: ForeignKeyClause; end: number } {
  const table = nameOf(part[at + 1]) ?? '';
  let deferrable = false;
  let initiallyDeferred = false;
  let j = at + 2;
  for (; j < part.length; j += 1) {
    const token = part[j]!;
    if (isSymbol(token, '(')) j = closingParen(part, j) - 1;
    else if (isWord(token, 'DEFERRABLE')) deferrable = !isWord(part[j - 1], 'NOT');
    else if (isWord(token, 'INITIALLY')) initiallyDeferred = isWord(part[j + 1], 'DEFERRED');
    else if (isWord(part[j - 1], 'SET')) continue; // ON DELETE SET DEFAULT
    else if (isWord(token, ...clauseStarts) || (isWord(token, 'NOT') && isWord(part[j + 1], 'NULL'))) break;
  }
  return { clause: { name, from, table, deferrable, initiallyDeferred: deferrable && initiallyDeferred }, end: j };
}

function columnDefinition(part: readonly SqlToken[], checks: CheckClause[], foreignKeys: ForeignKeyClause[]): ColumnClauses {
  const name = nameOf(part[0]) ?? '';
  let collation: string | null = null;
  let generated: ColumnClauses['generated'] = null;
  let autoincrement = false;
  let constraintName: string | null = null;
  for (let j = 1; j < part.length; j += 1) {
    const token = part[j]!;
    if (isWord(token, 'CONSTRAINT')) {
      constraintName = nameOf(part[j + 1]);
      j += 1;
      continue;
    }
    if (isWord(token, 'CHECK') && isSymbol(part[j + 1], '(')) {
      const end = closingParen(part, j + 1);
      checks.push({ name: constraintName, tokens: part.slice(j + 2, end - 1), column: name });
      j = end - 1;
    } else if (isWord(token, 'COLLATE')) {
      collation = nameOf(part[j + 1]);
      j += 1;
    } else if (isWord(token, 'AS') && isSymbol(part[j + 1], '(')) {
      const end = closingParen(part, j + 1);
      generated = { tokens: part.slice(j + 2, end - 1), stored: isWord(part[end], 'STORED') };
      j = end - 1;
    } else if (isWord(token, 'AUTOINCREMENT')) autoincrement = true;
    else if (isWord(token, 'REFERENCES')) {
      const { clause, end } = referencesClause(part, j, constraintName, [name]);
      foreignKeys.push(clause);
      j = end - 1;
    } else if (isSymbol(token, '(')) j = closingParen(part, j) - 1;
    constraintName = null;
  }
  return { name, collation, generated, autoincrement };
}

function tableConstraint(part: readonly SqlToken[], checks: CheckClause[], foreignKeys: ForeignKeyClause[]): void {
  const named = isWord(part[0], 'CONSTRAINT');
  const name = named ? nameOf(part[1]) : null;
  const at = named ? 2 : 0;
  if (isWord(part[at], 'CHECK')) {
    checks.push({ name, tokens: part.slice(at + 2, closingParen(part, at + 1) - 1), column: null });
  } else if (isWord(part[at], 'FOREIGN')) {
    const end = closingParen(part, at + 2);
    foreignKeys.push(referencesClause(part, end, name, names(part.slice(at + 3, end - 1))).clause);
  }
}

/** Reads a CREATE TABLE statement as sqlite_schema stores it. */
export function parseCreateTable(sql: string): TableClauses {
  const tokens = tokenize(sql);
  const open = tokens.findIndex((t) => isSymbol(t, '('));
  const close = closingParen(tokens, open);
  const checks: CheckClause[] = [];
  const foreignKeys: ForeignKeyClause[] = [];
  const columns: ColumnClauses[] = [];
  for (const part of splitTopLevel(tokens.slice(open + 1, close - 1))) {
    if (isWord(part[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN')) tableConstraint(part, checks, foreignKeys);
    else columns.push(columnDefinition(part, checks, foreignKeys));
  }
  const tail = tokens.slice(close);
  const withoutRowid = tail.some((t, i) => isWord(t, 'WITHOUT') && isWord(tail[i + 1], 'ROWID'));
  return { withoutRowid, columns, checks, foreignKeys };
}
