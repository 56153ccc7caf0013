/**
 * Pure: a statement as a message may show it. The value of a setting (ALTER DATABASE … SET, ALTER ROLE … SET, a
 * function's SET clause) may be a secret — an application keeps its JWT secret or API key there — so messages name
 * the setting and show its value as `****`.
 */

/** A name as the SET clause writes it: a double-quoted identifier or a dotted bare one. */
const settingName = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*)`;
/** One value: a literal (E'…' too, quotes doubled inside) or a bare word or number. */
const settingItem = String.raw`(?:E?'(?:[^']|'')*'|[^\s,;'()]+)`;
const setClause = new RegExp(String.raw`(\bSET\s+${settingName}\s*(?:\bTO\b|=)\s*)(${settingItem}(?:\s*,\s*${settingItem})*)`, 'gi');

/** A literal's value as the server stores it: quotes undone, and in an E'…' literal doubled backslashes too. */
function unquoted(item: string): string {
  const literal = /^(E?)'((?:[^']|'')*)'$/.exec(item);
  if (!literal) return item;
  const value = literal[2]!.replace(/''/g, "'");
  return literal[1] ? value.replace(/\\\\/g, '\\') : value;
}

/** The values the SET clauses of `statement` give. */
function settingValues(statement: string): string[] {
  return [...statement.matchAll(setClause)].flatMap((match) => [...match[2]!.matchAll(new RegExp(settingItem, 'g'))].map((item) => unquoted(item[0])));
}

/** `statement` with the value of each SET clause shown as `****`. */
export function shownStatement(statement: string): string {
  return statement.replace(setClause, '$1****');
}

/**
 * A server's message about `statement` with any of those values it quotes ("invalid value for parameter \"x\":
 * \"…\"") shown as `****`.
 */
export function shownReason(statement: string, reason: string): string {
  return settingValues(statement)
    .filter((value) => value.length > 0)
    .reduce((text, value) => text.split(`"${value}"`).join('"****"'), reason);
}
