/** What a CREATE INDEX statement says that pragma_index_xinfo does not: each key's expression and the WHERE. */
import { closingParen, isSymbol, isWord, splitTopLevel, tokenize, type SqlToken } from '../../model/sqlite/sql-tokens.js';

export interface IndexClauses {
  /** Each key's tokens, without its COLLATE, ASC or DESC. */
  readonly keys: readonly (readonly SqlToken[])[];
  /** A partial index's WHERE expression. */
  readonly where: readonly SqlToken[] | null;
}

export function parseCreateIndex(sql: string): IndexClauses {
  const tokens = tokenize(sql);
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  const open = tokens.findIndex((t, i) => i > on && isSymbol(t, '('));
  const close = closingParen(tokens, open);
  const keys = splitTopLevel(tokens.slice(open + 1, close - 1)).map((key) => {
    let end = key.length;
    if (isWord(key[end - 1], 'ASC', 'DESC')) end -= 1;
    if (isWord(key[end - 2], 'COLLATE')) end -= 2;
    return key.slice(0, end);
  });
  const whereAt = tokens.findIndex((t, i) => i >= close && isWord(t, 'WHERE'));
  const where = whereAt >= 0 ? tokens.slice(whereAt + 1).filter((t) => !isSymbol(t, ';')) : null;
  return { keys, where };
}
