/**
 * Pure: identifiers quoted only where PostgreSQL's quote_ident quotes them, the form pg_get_constraintdef and
 * pg_get_indexdef print. A definition pgferry rendered itself (always quoting) compares equal to a server's this way.
 */

/** PostgreSQL's rule: lower-case letters, digits and underscores, not starting with a digit, and not a keyword it reserves in some context. */
export function quoteIdentAsPrinted(name: string, keywords: ReadonlySet<string>): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !keywords.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Every double-quoted identifier of `definition` re-quoted the way PostgreSQL prints it; a definition holding a string literal is left as it is. */
export function requoteIdentifiers(definition: string, keywords: ReadonlySet<string>): string {
  if (definition.includes("'")) return definition;
  return definition.replace(/"((?:[^"]|"")*)"/g, (_, inner: string) => quoteIdentAsPrinted(inner.replace(/""/g, '"'), keywords));
}
