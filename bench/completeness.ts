/**
 * Whether a tool's copy is complete, judged with plain catalog queries and exact counts written apart from
 * pgferry (its verify is never the judge of its own copy): every table with the source's row count, as many
 * valid indexes, as many validated constraints of each kind.
 */
import { queryOnce } from './sql.js';

export interface CopyShape {
  /** Exact row count per table, by qualified name. */
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly indexes: number;
  readonly invalidIndexes: number;
  /** Constraints per kind (p primary key, u unique, f foreign key, c check, x exclusion, …). */
  readonly constraints: Readonly<Record<string, number>>;
  readonly notValidatedConstraints: number;
}

const userSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`;

async function readTables(url: string): Promise<string[]> {
  const rows = await queryOnce<{ name: string }>(
    url,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${userSchemas}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function readIndexCounts(url: string): Promise<{ indexes: number; invalid: number }> {
  const [row] = await queryOnce<{ indexes: string; invalid: string }>(
    url,
    `SELECT count(*) AS indexes, count(*) FILTER (WHERE NOT (i.indisvalid AND i.indisready)) AS invalid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${userSchemas}`,
  );
  return { indexes: Number(row!.indexes), invalid: Number(row!.invalid) };
}

async function readConstraintCounts(url: string): Promise<{ byKind: Record<string, number>; notValidated: number }> {
  const rows = await queryOnce<{ kind: string; total: string; not_validated: string }>(
    url,
    `SELECT con.contype::text AS kind, count(*) AS total, count(*) FILTER (WHERE NOT con.convalidated) AS not_validated
       FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
      WHERE ${userSchemas}
      GROUP BY con.contype ORDER BY 1`,
  );
  return {
    byKind: Object.fromEntries(rows.map((r) => [r.kind, Number(r.total)])),
    notValidated: rows.reduce((sum, r) => sum + Number(r.not_validated), 0),
  };
}

export async function readCopyShape(url: string): Promise<CopyShape> {
  const tables = await readTables(url);
  const rowCounts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await queryOnce<{ n: string }>(url, `SELECT count(*) AS n FROM ${table}`);
    rowCounts[table] = Number(row!.n);
  }
  const { indexes, invalid } = await readIndexCounts(url);
  const { byKind, notValidated } = await readConstraintCounts(url);
  return { rowCounts, indexes, invalidIndexes: invalid, constraints: byKind, notValidatedConstraints: notValidated };
}

/** What the copy lacks against the source, one line per difference; empty when the copy is complete. */
export function copyShortfalls(source: CopyShape, copy: CopyShape): string[] {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(source.rowCounts)) {
    const copied = copy.rowCounts[table];
    if (copied === undefined) problems.push(`table ${table} is missing`);
    else if (copied !== rows) problems.push(`table ${table} has ${copied} rows, the source ${rows}`);
  }
  for (const table of Object.keys(copy.rowCounts)) if (!(table in source.rowCounts)) problems.push(`table ${table} is not in the source`);
  if (copy.indexes !== source.indexes) problems.push(`${copy.indexes} indexes, the source ${source.indexes}`);
  if (copy.invalidIndexes > 0) problems.push(`${copy.invalidIndexes} index(es) not valid`);
  for (const kind of new Set([...Object.keys(source.constraints), ...Object.keys(copy.constraints)])) {
    const want = source.constraints[kind] ?? 0;
    const got = copy.constraints[kind] ?? 0;
    if (want !== got) problems.push(`${got} constraint(s) of kind ${kind}, the source ${want}`);
  }
  if (copy.notValidatedConstraints > source.notValidatedConstraints) {
    problems.push(`${copy.notValidatedConstraints} constraint(s) not validated, the source ${source.notValidatedConstraints}`);
  }
  return problems;
}
