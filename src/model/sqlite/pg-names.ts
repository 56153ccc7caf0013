/**
 * Pure: PostgreSQL names for SQLite's. Folded to lower case unless told to keep case; a name over PostgreSQL's 63
 * bytes shortened to a prefix and a hash of the whole; table and column names that fold together are an error,
 * while index, constraint and sequence names (per table in SQLite, per schema for relations in PostgreSQL) are made
 * unique with a numbered suffix. Every change is recorded so it can be reported.
 */
import { createHash } from 'node:crypto';
import { PgferryError } from '../../errors/pgferry-error.js';

export type IdentifierCase = 'lower' | 'preserve';

export interface Rename {
  readonly kind: 'table' | 'column' | 'index' | 'constraint' | 'sequence';
  /** The SQLite name (for a column: table.column), or the name pgferry first chose for a generated one. */
  readonly from: string;
  readonly to: string;
  readonly reason: 'longer than 63 bytes' | 'not unique in the schema';
}

const MAX_BYTES = 63;

/** Cuts a name to 63 bytes deterministically: a prefix (whole characters) and 8 hex digits of its sha256. */
export function fitName(name: string): string {
  if (Buffer.byteLength(name) <= MAX_BYTES) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let prefix = '';
  for (const char of name) {
    if (Buffer.byteLength(prefix + char) > MAX_BYTES - 9) break;
    prefix += char;
  }
  return `${prefix}_${hash}`;
}

export class PgNames {
  readonly renames: Rename[] = [];
  /** Relation names (tables, indexes, sequences) and constraint names taken in the schema. */
  private readonly taken = new Set<string>();

  constructor(private readonly identifierCase: IdentifierCase) {}

  /** A name as the identifier policy spells it in PostgreSQL (before any fitting). */
  fold(name: string): string {
    return this.identifierCase === 'lower' ? name.toLowerCase() : name;
  }

  /**
   * The names of one scope (the tables, or one table's columns), folded and fitted; two that end up equal are an
   * error naming both. `scope` says where, for the message ("tables", "columns of table Orders").
   */
  scope(kind: 'table' | 'column', names: readonly string[], scope: string, owner = ''): Map<string, string> {
    const mapped = new Map<string, string>();
    const byTarget = new Map<string, string>();
    for (const name of names) {
      const folded = this.fold(name);
      const fitted = fitName(folded);
      if (fitted !== folded) this.renames.push({ kind, from: owner ? `${owner}.${name}` : name, to: fitted, reason: 'longer than 63 bytes' });
      const clash = byTarget.get(fitted);
      if (clash !== undefined) {
        throw new PgferryError('SQLITE_NAME_COLLISION', `${scope}: "${clash}" and "${name}" both become "${fitted}" in PostgreSQL`, {
          hint: 'Rename one of them in the SQLite database, or keep identifier case (identifiers: preserve).',
        });
      }
      byTarget.set(fitted, name);
      mapped.set(name, fitted);
      if (kind === 'table') this.taken.add(fitted);
    }
    return mapped;
  }

  /**
   * A name unique in the schema for an index, constraint or sequence: `wanted` folded and fitted, or with `_2`,
   * `_3`… when taken. Callers ask in a fixed order (tables by name, then declaration order), so the result is stable.
   */
  unique(kind: 'index' | 'constraint' | 'sequence', wanted: string): string {
    const folded = fitName(this.fold(wanted));
    if (folded !== this.fold(wanted)) this.renames.push({ kind, from: wanted, to: folded, reason: 'longer than 63 bytes' });
    let name = folded;
    for (let n = 2; this.taken.has(name); n += 1) name = fitName(`${folded}_${n}`);
    if (name !== folded) this.renames.push({ kind, from: folded, to: name, reason: 'not unique in the schema' });
    this.taken.add(name);
    return name;
  }
}
