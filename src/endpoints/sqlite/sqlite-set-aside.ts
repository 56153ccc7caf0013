/**
 * What the value policy keeps from the target, per table, known before the table is copied or compared: rows whose
 * own values do not convert (found by converting only the rows `suspectRows` picks out), rows whose foreign key
 * points at nothing (an orphan: SQLite checks foreign keys only when told to), and rows pointing at a row the policy
 * set aside. Kept for the endpoint's life: one snapshot, so the answer cannot change.
 */
import type Database from 'better-sqlite3';
import type { SetAside, TableSetAside } from '../endpoint.js';
import { shownValue, type SqliteValue } from '../../model/sqlite/pg-text-value.js';
import { noRelationalVerdicts, policedRow, rawPages, rowName, type PolicedRow, type RelationalVerdict, type RelationalVerdicts } from './sqlite-row-pages.js';
import { quoteSqliteIdent, type SqliteForeignKey, type SqliteSourceTable } from './sqlite-source-tables.js';
import { suspectRows, suspectFlags } from './suspect-values.js';

const keptExamples = 5;

export interface TableTally extends TableSetAside {
  /** The rowids of the rows left out (a rowid table's): what a referencing row is checked against. */
  readonly rejectedRowids: readonly bigint[];
}

/** One statement per foreign key: the referencing rows the target would refuse, with the key's values. */
function referencingRows(db: Database.Database, table: SqliteSourceTable, fk: SqliteForeignKey, parentRowids?: readonly bigint[]): SqliteValue[][] {
  const child = quoteSqliteIdent(table.sqliteName);
  const parent = quoteSqliteIdent(fk.parentSqliteName);
  const key = table.withoutRowid ? table.sqliteKey.map((k) => `${child}.${quoteSqliteIdent(k)}`) : [`${child}._rowid_`];
  const columns = fk.columns.map((c) => `${child}.${quoteSqliteIdent(c.sqliteName)}`);
  // The parent's alias keeps a self-reference apart from the referencing row.
  const matches = fk.parentColumns.map((p, i) => `p.${quoteSqliteIdent(p)} = ${columns[i]}`).join(' AND ');
  const present = columns.map((c) => `${c} IS NOT NULL`).join(' AND ');
  const exists = parentRowids
    ? `EXISTS (SELECT 1 FROM ${parent} AS p WHERE p._rowid_ IN (SELECT value FROM json_each(?)) AND ${matches})`
    : `NOT EXISTS (SELECT 1 FROM ${parent} AS p WHERE ${matches})`;
  const statement = db.prepare(`SELECT ${[...key, ...columns].join(', ')} FROM ${child} WHERE ${present} AND ${exists}`).raw(true).safeIntegers(true);
  return (parentRowids ? statement.all(`[${parentRowids.join(',')}]`) : statement.all()) as SqliteValue[][];
}

function verdictFor(table: SqliteSourceTable, fk: SqliteForeignKey, name: string, values: readonly SqliteValue[], reason: string): RelationalVerdict {
  const policy = fk.columns[0]!.policy;
  const entry = (column: number, action: SetAside['action']): SetAside => ({
    action,
    table: table.sqliteName,
    rowid: name,
    column: fk.columns[column]!.sqliteName,
    value: shownValue(values[column] ?? null),
    reason,
  });
  if (policy === 'fail') return { policy, entries: [entry(0, 'rejected')] };
  if (policy === 'null' && fk.columns.every((c) => !c.notNull)) return { policy, entries: fk.columns.map((_, i) => entry(i, 'nulled')) };
  return { policy: 'reject', entries: [entry(0, 'rejected')] };
}

export class SetAsideTally {
  private readonly own = new Map<string, Map<string, PolicedRow>>();
  private readonly relations = new Map<string, Map<string, RelationalVerdict>>();
  private readonly found = new Map<string, TableTally>();
  /** Tables whose relations are being worked out: a cycle of foreign keys meets only their own values. */
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly db: Database.Database,
    private readonly tables: readonly SqliteSourceTable[],
  ) {}

  private tableNamed(id: string): SqliteSourceTable | undefined {
    return this.tables.find((t) => `${t.schema}.${t.name}` === id);
  }

  /** Rows whose own values the policy sets aside or nulls, by row name (the others convert as they are). */
  private ownValues(table: SqliteSourceTable): Map<string, PolicedRow> {
    const id = `${table.schema}.${table.name}`;
    const known = this.own.get(id);
    if (known) return known;
    // Counting never fails: a column whose policy is fail counts its bad rows as left out.
    const columns = table.columns.filter((c) => !c.generated).map((c) => (c.policy === 'fail' ? { ...c, policy: 'reject' as const } : c));
    const found = new Map<string, PolicedRow>();
    const where = suspectRows(columns);
    if (where) {
      for (const page of rawPages(this.db, table, columns, { where, extra: suspectFlags(columns) })) {
        for (const raw of page) {
          const only = raw.values.slice(columns.length).map((flag) => flag === 1n);
          const row = policedRow(this.db, table, columns, { key: raw.key, values: raw.values.slice(0, columns.length) }, noRelationalVerdicts, only);
          if (row.values === null || row.entries.length > 0) found.set(rowName(table, raw.key), row);
        }
      }
    }
    this.own.set(id, found);
    return found;
  }

  /** Rowids of the rows left out so far, for a table whose relations are still being worked out. */
  private ownRejectedRowids(table: SqliteSourceTable): bigint[] {
    if (table.withoutRowid) return [];
    return [...this.ownValues(table)].filter(([, row]) => row.values === null).map(([name]) => BigInt(name));
  }

  /** The verdicts of the rows the table's foreign keys decide: orphans, and rows pointing at rows left out. */
  relational(table: SqliteSourceTable): RelationalVerdicts {
    const id = `${table.schema}.${table.name}`;
    const known = this.relations.get(id);
    if (known) return known;
    if (table.foreignKeys.length === 0) return noRelationalVerdicts;
    this.inProgress.add(id);
    const verdicts = new Map<string, RelationalVerdict>();
    const add = (fk: SqliteForeignKey, rows: readonly SqliteValue[][], reason: (values: readonly SqliteValue[]) => string): string[] => {
      const width = table.withoutRowid ? table.sqliteKey.length : 1;
      const added: string[] = [];
      for (const r of rows) {
        const name = rowName(table, r.slice(0, width));
        const values = r.slice(width);
        if (verdicts.get(name)?.policy === 'reject') continue;
        verdicts.set(name, verdictFor(table, fk, name, values, reason(values)));
        added.push(name);
      }
      return added;
    };
    try {
      for (const fk of table.foreignKeys) {
        const target = `${fk.parentSqliteName}(${fk.parentColumns.join(', ')})`;
        add(fk, referencingRows(this.db, table, fk), (v) => `references ${target} = (${v.map((x) => shownValue(x)).join(', ')}), which does not exist (SQLite checks foreign keys only when told to)`);
        const parent = this.tableNamed(fk.parent);
        if (!parent || parent.withoutRowid) continue;
        const setAsideReason = () => `references a row of ${fk.parentSqliteName} that is set aside`;
        if (parent === table) {
          // A self-reference: rows pointing at rows left out are left out, and so on until none is added.
          let batch = [...this.ownRejectedRowids(table), ...[...verdicts].filter(([, v]) => v.policy === 'reject').map(([n]) => BigInt(n))];
          while (batch.length > 0) {
            const added = add(fk, referencingRows(this.db, table, fk, batch), setAsideReason);
            batch = added.filter((n) => verdicts.get(n)?.policy === 'reject').map((n) => BigInt(n));
          }
          continue;
        }
        const rejected = this.inProgress.has(fk.parent) ? this.ownRejectedRowids(parent) : this.of(parent).rejectedRowids;
        if (rejected.length > 0) add(fk, referencingRows(this.db, table, fk, rejected), setAsideReason);
      }
    } finally {
      this.inProgress.delete(id);
    }
    this.relations.set(id, verdicts);
    return verdicts;
  }

  /** Everything the policy sets aside of the table, as the copy will (the same rows, the same entries). */
  of(table: SqliteSourceTable): TableTally {
    const id = `${table.schema}.${table.name}`;
    const known = this.found.get(id);
    if (known) return known;
    const own = this.ownValues(table);
    const relational = this.relational(table);
    const tally = { table: id, rows: 0, values: 0, examples: [] as SetAside[], rejectedRowids: [] as bigint[] };
    const note = (entries: readonly SetAside[]) => {
      for (const e of entries) if (tally.examples.length < keptExamples) tally.examples.push(e);
    };
    for (const name of new Set([...own.keys(), ...relational.keys()])) {
      const verdict = relational.get(name);
      const row = own.get(name);
      const left = verdict && verdict.policy !== 'null' ? verdict.entries : row?.values === null ? row.entries : null;
      if (left) {
        tally.rows += 1;
        if (!table.withoutRowid) tally.rejectedRowids.push(BigInt(name));
        note(left);
        continue;
      }
      // The key's columns a verdict made NULL are not converted by the copy, so their own problems do not count.
      const nulledByKey = new Set(verdict?.entries.map((e) => e.column) ?? []);
      const entries = [...(verdict?.entries ?? []), ...(row?.entries ?? []).filter((e) => !nulledByKey.has(e.column))];
      tally.values += entries.length;
      note(entries);
    }
    this.found.set(id, tally);
    return tally;
  }

  /** Every table counted so far that has something set aside. */
  counted(): TableSetAside[] {
    return [...this.found.values()].filter((t) => t.rows > 0 || t.values > 0).map(({ table, rows, values, examples }) => ({ table, rows, values, examples }));
  }
}
