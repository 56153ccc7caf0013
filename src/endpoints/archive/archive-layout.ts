/** Every path inside a portable archive directory, declared in one place (relative, with forward slashes). */
import type { SchemaSectionName } from '../portable-archive.js';
import type { QualifiedName } from '../../model/schema-model.js';

/** The script psql runs: `cd <archive> && psql -X -v ON_ERROR_STOP=1 -d <url> -f restore.sql`. */
export const restoreScriptPath = 'restore.sql';

/** The statements and tables of restore.sql as data, for pgferry's own restore. */
export const restorePlanPath = 'restore-plan.json';

export function sectionPath(section: SchemaSectionName): string {
  return `schema/${section}.sql`;
}

/**
 * One table's data file: numbered, so names never collide, and named after the table where its name is plain
 * (the manifest and the restore plan say which table it is).
 */
export function dataFilePath(table: QualifiedName, position: number): string {
  const readable = `${table.schema}.${table.name}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
  return `data/${String(position).padStart(4, '0')}-${readable}.copy.gz`;
}

/** One data file of large objects (an OID range of them), numbered in OID order. */
export function largeObjectFilePath(position: number): string {
  return `data/large-objects-${String(position).padStart(4, '0')}.copy.gz`;
}
