/**
 * Pure: restore.sql, the script that restores a portable archive with psql alone. It pins the session settings the
 * data was written under, includes the schema files in order, loads each table with \copy from its gzip file and
 * creates the large objects from theirs; roles, owners and grants are left out with `-v privileges=off`.
 */
import { qualifiedName, quoteIdent } from '../../model/ddl/quote.js';
import { sectionsBeforeData, type ArchivedLargeObjects, type ArchivedTable, type SchemaSection } from '../portable-archive.js';
import { restoreScriptPath, sectionPath } from './archive-layout.js';
import { largeObjectColumns } from './large-object-file.js';

/** The settings the archive's data and statements were written under, as pgferry's copy sessions pin them. */
const sessionSettings: ReadonlyArray<readonly [string, string]> = [
  ['client_encoding', "'UTF8'"],
  ['DateStyle', "'ISO, YMD'"],
  ['IntervalStyle', "'postgres'"],
  ['TimeZone', "'UTC'"],
  ['extra_float_digits', '3'],
  ['lc_monetary', "'C'"],
  ['xmloption', 'content'],
  ['standard_conforming_strings', 'on'],
  ['row_security', 'off'],
  // Function bodies may name objects created later in the script, as in pg_dump's output.
  ['check_function_bodies', 'false'],
  ['search_path', "''"],
  ['statement_timeout', '0'],
  ['lock_timeout', '0'],
  ['idle_in_transaction_session_timeout', '0'],
  ['client_min_messages', 'warning'],
];

function includeSection(section: SchemaSection): string[] {
  const include = [`\\echo '${section.name}'`, `\\ir ${sectionPath(section.name)}`];
  if (section.changesServerRoles) return ['\\if :privileges', '\\if :server_roles', ...include, '\\endif', '\\endif'];
  return section.namesRoles ? ['\\if :privileges', ...include, '\\endif'] : include;
}

/** psql reads a backslash command to the end of its line: a name holding a line break must never be in one. */
const lineBreak = /[\r\n]/;

function copyTable(table: ArchivedTable): string[] {
  const columns = table.columns.length > 0 ? ` (${table.columns.map(quoteIdent).join(', ')})` : '';
  const source = `FROM PROGRAM 'gzip -dc ${table.path}'`;
  if (![table.schema, table.name, ...table.columns].some((name) => lineBreak.test(name))) {
    return [`\\copy ${qualifiedName(table.schema, table.name)}${columns} ${source}`];
  }
  // Loaded through a temporary table with a plain name; the names themselves appear only in SQL statements.
  const selected = table.columns.length > 0 ? table.columns.map(quoteIdent).join(', ') : '';
  return [
    `CREATE TEMPORARY TABLE pgferry_rows AS SELECT ${selected} FROM ${qualifiedName(table.schema, table.name)} WITH NO DATA;`,
    `\\copy pg_temp.pgferry_rows ${source}`,
    `INSERT INTO ${qualifiedName(table.schema, table.name)}${columns} OVERRIDING SYSTEM VALUE SELECT * FROM pg_temp.pgferry_rows;`,
    'DROP TABLE pg_temp.pgferry_rows;',
  ];
}

/**
 * Each file goes through a temporary table, one row per piece: first pieces create their objects keeping the OID
 * (lo_from_bytea), later pieces of a big one are written at their offsets (lo_put); so no value is bigger than a piece.
 */
function createLargeObjects(files: readonly ArchivedLargeObjects[]): string[] {
  if (files.length === 0) return [];
  const [oid, offset, data] = largeObjectColumns;
  const table = 'pg_temp.pgferry_large_objects';
  return [
    `\\echo 'large objects: ${files.reduce((n, f) => n + f.objects, 0)} in ${files.length} file(s)'`,
    `CREATE TEMPORARY TABLE pgferry_large_objects (${oid} oid NOT NULL, ${offset} bigint NOT NULL, ${data} bytea NOT NULL);`,
    ...files.flatMap((file) => [
      `\\copy ${table} (${largeObjectColumns.join(', ')}) FROM PROGRAM 'gzip -dc ${file.path}'`,
      `SELECT count(lo_from_bytea(${oid}, ${data})) AS pgferry_created FROM ${table} WHERE ${offset} = 0 \\gset`,
      `SELECT count(lo_put(${oid}, ${offset}, ${data})) AS pgferry_pieces FROM ${table} WHERE ${offset} > 0 \\gset`,
      `TRUNCATE ${table};`,
    ]),
    `DROP TABLE ${table};`,
  ];
}

export function renderRestoreScript(sections: readonly SchemaSection[], tables: readonly ArchivedTable[], largeObjects: readonly ArchivedLargeObjects[], origin: string): string {
  const before = sections.filter((s) => sectionsBeforeData.includes(s.name));
  const after = sections.filter((s) => !sectionsBeforeData.includes(s.name));
  return [
    `-- A pgferry portable archive of ${origin.replace(/\n/g, ' ')}.`,
    '-- Restore into an empty database, from this directory (the data files are read relative to it):',
    `--   psql -X -v ON_ERROR_STOP=1 -d <url> -f ${restoreScriptPath}`,
    '-- Add -v privileges=off to leave out roles, owners, grants and what names roles; -v server_roles=on to also give',
    '-- roles their memberships and settings (roles other databases may share); add -1 to restore in one transaction.',
    '\\set ON_ERROR_STOP on',
    '\\if :{?privileges}',
    '\\else',
    '\\set privileges on',
    '\\endif',
    // Memberships and role settings change roles other databases share: only with -v server_roles=on.
    '\\if :{?server_roles}',
    '\\else',
    '\\set server_roles off',
    '\\endif',
    ...sessionSettings.map(([name, value]) => `SET ${name} = ${value};`),
    ...before.flatMap(includeSection),
    `\\echo 'data: ${tables.length} table(s)'`,
    ...tables.flatMap(copyTable),
    ...createLargeObjects(largeObjects),
    ...after.flatMap(includeSection),
    '',
  ].join('\n');
}

/** A section's SQL file: each statement ended by a semicolon, a blank line between them. */
export function renderSectionFile(section: SchemaSection): string {
  const heading = `-- pgferry portable archive: ${section.name}${section.changesServerRoles ? ' (changes roles the whole server shares; applied only with -v server_roles=on)' : section.namesRoles ? ' (names roles; left out with -v privileges=off)' : ''}\n\n`;
  return heading + section.statements.map((s) => `${s};\n\n`).join('');
}
