/** The only place identifiers and literals are quoted: node-postgres's own escaping, shared by DDL rendering and every query. */
import pg from 'pg';

/** Quotes an identifier the way PostgreSQL's quote_ident does (always quoted). */
export function quoteIdent(name: string): string {
  return pg.escapeIdentifier(name);
}

/** schema.name, both quoted. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * A string literal, for the few places (comments, enum labels, passwords) where DDL cannot take a parameter. A value
 * with a backslash becomes an E'' literal, right whatever standard_conforming_strings says.
 */
export function quoteLiteral(value: string): string {
  return pg.escapeLiteral(value).trimStart();
}
