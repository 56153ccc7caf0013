/** What reading a SQLite schema into the model changed or left out, so a run can report it. */
import type { Finding } from '../findings.js';
import type { Rename } from './pg-names.js';

export interface SchemaNote {
  /** The SQLite object, e.g. "column orders.total", "index idx_orders_day", "view recent_orders". */
  readonly object: string;
  /** What was left out or changed, e.g. "DEFAULT (random())", "COLLATE NOCASE". */
  readonly what: string;
  readonly reason: string;
}

export interface SqliteSchemaReport {
  /** Names PostgreSQL gets that are not the SQLite name folded to lower case. */
  readonly renames: readonly Rename[];
  /** What the model leaves out: the target will not have it. */
  readonly notMigrated: readonly SchemaNote[];
  /** What the model keeps in another form (a virtual generated column made stored, a length PostgreSQL refuses). */
  readonly adjusted: readonly SchemaNote[];
}

const listed = 20;

function list(items: readonly string[]): string {
  const more = items.length > listed ? `; and ${items.length - listed} more` : '';
  return `${items.slice(0, listed).join('; ')}${more}`;
}

/**
 * The report as preflight warnings (one per kind), so the run's output and its report say what the PostgreSQL
 * database will not have or will have in another form. Triggers and virtual tables are left to the
 * unsupported-objects warning.
 */
export function schemaReportFindings(report: SqliteSchemaReport): Finding[] {
  const findings: Finding[] = [];
  if (report.renames.length > 0) {
    findings.push({
      code: 'SQLITE_NAMES_CHANGED',
      message: `${report.renames.length} name(s) differ in PostgreSQL beyond lower case: ${list(report.renames.map((r) => `${r.kind} ${r.from} → ${r.to} (${r.reason})`))}`,
      hint: 'Queries that name these objects must use the new names.',
    });
  }
  const notMigrated = report.notMigrated.filter((n) => !/^(trigger|virtual table) /.test(n.object));
  if (notMigrated.length > 0) {
    findings.push({
      code: 'SQLITE_NOT_MIGRATED',
      message: `${notMigrated.length} part(s) of the SQLite schema have no PostgreSQL form and are left out: ${list(notMigrated.map((n) => `${n.object}: ${n.what} (${n.reason})`))}`,
      hint: 'Recreate them on the target by hand if the application relies on them, or give the columns other types (sqlite.columns in the plan).',
    });
  }
  if (report.adjusted.length > 0) {
    findings.push({
      code: 'SQLITE_TYPES_ADJUSTED',
      message: `${report.adjusted.length} column(s) or object(s) are kept in another form: ${list(report.adjusted.map((n) => `${n.object}: ${n.what} (${n.reason})`))}`,
    });
  }
  return findings;
}
