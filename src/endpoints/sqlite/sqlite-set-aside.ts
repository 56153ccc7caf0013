/**
 * What the value policy keeps from the target, per table, known before the table is copied or compared: rows whose
 * own values do not convert (found by converting only the rows `suspectRows` picks out), rows whose foreign key
 * points at nothing (an orphan: SQLite checks foreign keys only when told to), and rows pointing at a row the policy
 * set aside. Kept for the endpoint's life: one snapshot, so the answer cannot change.
 */
import type Database from 'better-sqlite3';
import type { SetAside, TableSetAside } from '../endpoint.js';
import { shownValue, type SqliteValue } from '../../model/sqlite/pg-text-value.js';
import { keyOf, noRelationalVerdicts, policedRow, rawPages, rowName, type PolicedRow, type RelationalVerdict } from './sqlite-row-pages.js';
import { quoteSqliteIdent, type SqliteForeignKey, type SqliteSourceColumn, type SqliteSourceTable } from './sqlite-source-tables.js';
import { suspectRows, suspectFlags } from './suspect-values.js';

const keptExamples = 5;

/** A relational verdict with the key of its row. */
type KeyedVerdict = RelationalVerdict & { readonly key: readonly SqliteValue[] };
const noKeyedVerdicts: ReadonlyMap<string, KeyedVerdict> = new Map();

export interface TableTally extends TableSetAside {
  /** The keys (rowid, or a WITHOUT ROWID table's primary key) of the rows left out: what references are checked against. */
  readonly rejectedKeys: readonly (readonly SqliteValue[])[];
}

/** Keys as a JSON array of arrays, for json_each; integers written exactly. A blob key cannot be written, so never matches. */
function keysJson(keys: readonly (readonly SqliteValue[])[]): string {
  const value = (v: SqliteValue) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' || typeof v === 'string' ? JSON.stringify(v) : 'null');
  return `[${keys.map((k) => `[${k.map(value).join(',')}]`).join(',')}]`;
}

function keyColumns(table: SqliteSourceTable, alias: string): string[] {
  return table.withoutRowid ? table.sqliteKey.map((k) => `${alias}.${quoteSqliteIdent(k)}`) : [`${alias}._rowid_`];
}

/**
 * One statement per foreign key: the referencing rows the target would refuse, with the key's values — those whose
 * referenced row does not exist, or, given `parentKeys`, those referencing one of those rows of `parent`.
 */
function referencingRows(db: Database.Database, table: SqliteSourceTable, fk: SqliteForeignKey, parentSide?: { parent: SqliteSourceTable; keys: readonly (readonly SqliteValue[])[] }): SqliteValue[][] {
  const child = quoteSqliteIdent(table.sqliteName);
  const parent = quoteSqliteIdent(fk.parentSqliteName);
  const columns = fk.columns.map((c) => `${child}.${quoteSqliteIdent(c.sqliteName)}`);
  const present = columns.map((c) => `${c} IS NOT NULL`).join(' AND ');
  let condition: string;
  if (parentSide) {
    const parentKey = keyColumns(parentSide.parent, 'p');
    const fromJson = parentKey.map((_, i) => `j.value ->> '$[${i}]'`).join(', ');
    // The referenced values of the parent's rows set aside, found once, then the children holding them.
    condition = `(${columns.join(', ')}) IN (SELECT ${fk.parentColumns.map((c) => `p.${quoteSqliteIdent(c)}`).join(', ')} FROM ${parent} AS p WHERE (${parentKey.join(', ')}) IN (SELECT ${fromJson} FROM json_each(?) AS j))`;
  } else {
    // The parent's alias keeps a self-reference apart from the referencing row.
    condition = `NOT EXISTS (SELECT 1 FROM ${parent} AS p WHERE ${fk.parentColumns.map((p, i) => `p.${quoteSqliteIdent(p)} = ${columns[i]}`).join(' AND ')})`;
  }
  const statement = db.prepare(`SELECT ${[...keyColumns(table, child), ...columns].join(', ')} FROM ${child} WHERE ${present} AND ${condition}`).raw(true).safeIntegers(true);
  return (parentSide ? statement.all(keysJson(parentSide.keys)) : statement.all()) as SqliteValue[][];
}

function verdictFor(table: SqliteSourceTable, fk: SqliteForeignKey, name: string, values: readonly SqliteValue[], reason: string): RelationalVerdict {
  const entry = (column: number, action: SetAside['action']): SetAside => ({
    action,
    table: table.sqliteName,
    rowid: name,
    column: fk.columns[column]!.sqliteName,
    value: shownValue(values[column] ?? null),
    reason,
  });
  // The key's columns each have a policy; null applies only when all of them say null and may hold NULL.
  if (fk.columns.every((c) => c.policy === 'null' && !c.notNull)) return { policy: 'null', entries: fk.columns.map((_, i) => entry(i, 'nulled')) };
  if (fk.columns.some((c) => c.policy === 'fail')) return { policy: 'fail', entries: [entry(0, 'rejected')] };
  return { policy: 'reject', entries: [entry(0, 'rejected')] };
}

/** The copied columns as the tally converts them: counting never fails, so a column whose policy is fail counts its bad rows as left out. */
function countedColumns(table: SqliteSourceTable): SqliteSourceColumn[] {
  return table.columns.filter((c) => !c.generated).map((c) => (c.policy === 'fail' ? { ...c, policy: 'reject' as const } : c));
}

export class SetAsideTally {
  private readonly own = new Map<string, Map<string, PolicedRow & { readonly key: readonly SqliteValue[] }>>();
  private readonly relations = new Map<string, ReadonlyMap<string, KeyedVerdict>>();
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
  private ownValues(table: SqliteSourceTable): Map<string, PolicedRow & { readonly key: readonly SqliteValue[] }> {
    const id = `${table.schema}.${table.name}`;
    const known = this.own.get(id);
    if (known) return known;
    const columns = countedColumns(table);
    const found = new Map<string, PolicedRow & { readonly key: readonly SqliteValue[] }>();
    const where = suspectRows(columns);
    if (where) {
      for (const page of rawPages(this.db, table, columns, { where, extra: suspectFlags(columns) })) {
        for (const raw of page.rows) {
          const only = raw.slice(page.width + columns.length).map((flag) => flag === 1n);
          const row = policedRow(this.db, table, columns, raw, page.width, noRelationalVerdicts, only);
          if (row.values === null || row.entries.length > 0) found.set(rowName(table, keyOf(raw, page.width)), { ...row, key: keyOf(raw, page.width) });
        }
      }
    }
    this.own.set(id, found);
    return found;
  }

  /** Keys of the rows left out for their own values, for a table whose relations are still being worked out. */
  private ownRejectedKeys(table: SqliteSourceTable): (readonly SqliteValue[])[] {
    return [...this.ownValues(table).values()].filter((row) => row.values === null).map((row) => row.key);
  }

  /** The verdicts of the rows the table's foreign keys decide: orphans, and rows pointing at rows left out. */
  relational(table: SqliteSourceTable): ReadonlyMap<string, KeyedVerdict> {
    const id = `${table.schema}.${table.name}`;
    const known = this.relations.get(id);
    if (known) return known;
    if (table.foreignKeys.length === 0) return noKeyedVerdicts;
    this.inProgress.add(id);
    const verdicts = new Map<string, KeyedVerdict>();
    const width = table.withoutRowid ? table.sqliteKey.length : 1;
    /** Adds the verdicts of `rows`; returns the keys of the rows newly left out. */
    const add = (fk: SqliteForeignKey, rows: readonly SqliteValue[][], reason: (values: readonly SqliteValue[]) => string): (readonly SqliteValue[])[] => {
      const leftOut: (readonly SqliteValue[])[] = [];
      for (const r of rows) {
        const key = r.slice(0, width);
        const name = rowName(table, key);
        const verdict = verdictFor(table, fk, name, r.slice(width), reason(r.slice(width)));
        const earlier = verdicts.get(name);
        // Leaving the row out (or failing) wins over making a reference NULL; two NULL verdicts add up.
        if (earlier && earlier.policy !== 'null') continue;
        if (earlier && verdict.policy === 'null') {
          const columns = new Set(earlier.entries.map((e) => e.column));
          verdicts.set(name, { ...earlier, entries: [...earlier.entries, ...verdict.entries.filter((e) => !columns.has(e.column))] });
          continue;
        }
        verdicts.set(name, { ...verdict, key });
        if (verdict.policy !== 'null') leftOut.push(key);
      }
      return leftOut;
    };
    try {
      for (const fk of table.foreignKeys) {
        const target = `${fk.parentSqliteName}(${fk.parentColumns.join(', ')})`;
        add(fk, referencingRows(this.db, table, fk), (v) => `references ${target} = (${v.map((x) => shownValue(x)).join(', ')}), which does not exist (SQLite checks foreign keys only when told to)`);
        const parent = this.tableNamed(fk.parent);
        if (!parent) continue;
        const setAsideReason = () => `references a row of ${fk.parentSqliteName} that is set aside`;
        if (parent === table) {
          // A self-reference: rows pointing at rows left out are left out, and so on until none is added.
          let batch = [...this.ownRejectedKeys(table), ...[...verdicts.values()].filter((v) => v.policy !== 'null').map((v) => v.key)];
          while (batch.length > 0) batch = add(fk, referencingRows(this.db, table, fk, { parent, keys: batch }), setAsideReason);
          continue;
        }
        const rejected = this.inProgress.has(fk.parent) ? this.ownRejectedKeys(parent) : this.of(parent).rejectedKeys;
        if (rejected.length > 0) add(fk, referencingRows(this.db, table, fk, { parent, keys: rejected }), setAsideReason);
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
    const ownRows = this.ownValues(table);
    const relational = this.relational(table);
    const tally = { table: id, rows: 0, values: 0, examples: [] as SetAside[], rejectedKeys: [] as (readonly SqliteValue[])[] };
    const note = (entries: readonly SetAside[]) => {
      for (const e of entries) if (tally.examples.length < keptExamples) tally.examples.push(e);
    };
    for (const name of new Set([...ownRows.keys(), ...relational.keys()])) {
      const verdict = relational.get(name);
      const row = ownRows.get(name);
      // A row whose key columns a verdict makes NULL is converted without them: its own verdict is worked out again.
      const own: PolicedRow | undefined = verdict?.policy === 'null' && row ? this.again(table, row.key, verdict) : row;
      const left = verdict && verdict.policy !== 'null' ? verdict.entries : own?.values === null ? own.entries : null;
      if (left) {
        tally.rows += 1;
        tally.rejectedKeys.push(row?.key ?? verdict!.key);
        note(left);
        continue;
      }
      // The key's columns a verdict made NULL are not converted by the copy, so their own problems do not count.
      const nulledByKey = new Set(verdict?.entries.map((e) => e.column) ?? []);
      const entries = [...(verdict?.entries ?? []), ...(own?.entries ?? []).filter((e: SetAside) => !nulledByKey.has(e.column))];
      tally.values += entries.length;
      note(entries);
    }
    this.found.set(id, tally);
    return tally;
  }

  /** One row converted again as the copy converts it, with its relational verdict. */
  private again(table: SqliteSourceTable, key: readonly SqliteValue[], verdict: RelationalVerdict): PolicedRow {
    const columns = countedColumns(table);
    const where = keyColumns(table, quoteSqliteIdent(table.sqliteName)).map((k) => `${k} = ?`).join(' AND ');
    const values = this.db.prepare(`SELECT ${columns.map((c) => quoteSqliteIdent(c.sqliteName)).join(', ')} FROM ${quoteSqliteIdent(table.sqliteName)} WHERE ${where}`).raw(true).safeIntegers(true).get(...key) as SqliteValue[];
    const name = rowName(table, key);
    return policedRow(this.db, table, columns, [...key, ...values], key.length, new Map([[name, { ...verdict, policy: verdict.policy === 'fail' ? 'reject' : verdict.policy }]]));
  }

  /** Every table counted so far that has something set aside. */
  counted(): TableSetAside[] {
    return [...this.found.values()].filter((t) => t.rows > 0 || t.values > 0).map(({ table, rows, values, examples }) => ({ table, rows, values, examples }));
  }
}
