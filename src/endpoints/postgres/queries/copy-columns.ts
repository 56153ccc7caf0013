/** The columns COPY must carry for a table, and whether binary COPY is safe for them. */
import { runQuery, type Session } from '../run-query.js';

export interface CopyColumns {
  /** Column names in table order; stored generated columns are left out (the target computes them). */
  readonly names: readonly string[];
  /** Every column's type is on the binary allow-list (see `binaryTypes`); otherwise the table goes as text. */
  readonly binarySafe: boolean;
}

/**
 * Built-in types whose binary form is the same on every major pgferry supports and carries no OID or server
 * state. Left out on purpose: reg* types (an OID that means another object on the target), xml (the
 * declaration is dropped), tsquery (an empty one fails), txid_snapshot/pg_snapshot, money (follows lc_monetary),
 * aclitem and anything without binary send/receive, and every extension type. Those go as text.
 */
const binaryTypes: readonly string[] = [
  'bool', 'char', 'name', 'text', 'varchar', 'bpchar', 'bytea',
  'int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'numeric',
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval',
  'uuid', 'json', 'jsonb', 'inet', 'cidr', 'macaddr', 'macaddr8', 'bit', 'varbit', 'pg_lsn', 'tsvector',
  'point', 'lseg', 'line', 'box', 'path', 'polygon', 'circle',
  'int4range', 'int8range', 'numrange', 'daterange', 'tsrange', 'tstzrange',
  'int4multirange', 'int8multirange', 'nummultirange', 'datemultirange', 'tsmultirange', 'tstzmultirange',
];

/**
 * Domains are judged by their base type; an enum travels as its label; an array only when its element is a
 * built-in type of the list, because binary arrays embed the element's OID, which differs on the target for
 * user-defined types. Composites (which embed their fields' OIDs) always go as text.
 */
export async function readCopyColumns(session: Session, schema: string, table: string): Promise<CopyColumns> {
  const rows = await runQuery<{ name: string; binary_safe: boolean }>(
    session,
    `the columns of ${schema}.${table}`,
    `WITH RECURSIVE columns AS (
       SELECT a.attnum, a.attname AS name, a.atttypid AS type_oid
         FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = pg_catalog.format('%I.%I', $1::text, $2::text)::pg_catalog.regclass
          AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
     ), peeled AS (
       SELECT c.attnum, c.type_oid FROM columns c
       UNION ALL
       SELECT p.attnum, t.typbasetype FROM peeled p JOIN pg_catalog.pg_type t ON t.oid = p.type_oid WHERE t.typtype = 'd'
     ), judged AS (
       SELECT p.attnum,
              t.typtype = 'e'
              OR (t.oid < 16384 AND t.typname = ANY ($3::text[]))
              OR (t.typcategory = 'A' AND t.typlen = -1 AND e.oid < 16384 AND e.typname = ANY ($3::text[])) AS safe
         FROM peeled p
         JOIN pg_catalog.pg_type t ON t.oid = p.type_oid
         LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem
        WHERE t.typtype <> 'd'
     )
     SELECT c.name, coalesce(j.safe, false) AS binary_safe
       FROM columns c LEFT JOIN judged j ON j.attnum = c.attnum
      ORDER BY c.attnum`,
    [schema, table, binaryTypes],
  );
  return { names: rows.map((r) => r.name), binarySafe: rows.every((r) => r.binary_safe) };
}
