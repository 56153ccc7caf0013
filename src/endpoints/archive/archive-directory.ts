/** The portable archive adapter: a directory written table by table and read back by a restore. */
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupFile } from '../../model/backup-manifest.js';
import type { ArchivedLargeObjects, ArchivedTable, PortableArchiveReader, PortableArchiveStore, PortableArchiveWriter, SchemaSection } from '../portable-archive.js';
import { dataFilePath, largeObjectFilePath, restorePlanPath, restoreScriptPath, sectionPath } from './archive-layout.js';
import { openDataFileRows, writeDataFile } from './data-file.js';
import { readLargeObjectFile, writeLargeObjectFile } from './large-object-file.js';
import { readRestorePlan, renderRestorePlan } from './restore-plan-file.js';
import { renderRestoreScript, renderSectionFile } from './restore-script.js';

async function writeTextFile(dir: string, path: string, text: string, role: BackupFile['role']): Promise<BackupFile> {
  const bytes = Buffer.from(text, 'utf8');
  await writeFile(join(dir, path), bytes);
  return { path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), createdAt: new Date().toISOString(), role };
}

/** A file whose writing failed is removed: the archive holds only files its manifest lists. */
async function withoutPartialFile<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await rm(path, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** `origin` says what the archive is of (the source, without its password), for restore.sql's heading. */
export async function createArchiveWriter(dir: string, origin: string): Promise<PortableArchiveWriter> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'schema'), { recursive: true });
  let written = 0;
  let largeObjectFiles = 0;
  return {
    dir,
    writeTable: async (table, rows, onProgress) => {
      written += 1;
      const path = dataFilePath(table, written);
      const file = await withoutPartialFile(join(dir, path), () => writeDataFile(join(dir, path), rows, onProgress));
      const rowCount = rows.rowsRead();
      const id = `${table.schema}.${table.name}`;
      return {
        table: { schema: table.schema, name: table.name, columns: rows.columns, path, rows: rowCount },
        file: { path, bytes: file.bytes, sha256: file.sha256, createdAt: new Date().toISOString(), role: 'data', table: id, rows: rowCount },
      };
    },
    writeLargeObjects: async (range, batches, onProgress) => {
      largeObjectFiles += 1;
      const path = largeObjectFilePath(largeObjectFiles);
      const file = await withoutPartialFile(join(dir, path), () => writeLargeObjectFile(join(dir, path), batches, onProgress));
      return {
        largeObjects: { path, from: range.from, to: range.to, objects: file.objects, bytes: file.dataBytes },
        file: { path, bytes: file.bytes, sha256: file.sha256, createdAt: new Date().toISOString(), role: 'data' },
      };
    },
    finish: async (sections: readonly SchemaSection[], tables: readonly ArchivedTable[], largeObjects: readonly ArchivedLargeObjects[]) => {
      const files: BackupFile[] = [];
      for (const section of sections) files.push(await writeTextFile(dir, sectionPath(section.name), renderSectionFile(section), section.name === 'roles' ? 'roles' : 'schema'));
      files.push(await writeTextFile(dir, restorePlanPath, renderRestorePlan({ formatVersion: 1, sections, tables, largeObjects }), 'script'));
      files.push(await writeTextFile(dir, restoreScriptPath, renderRestoreScript(sections, tables, largeObjects, origin), 'script'));
      return files;
    },
  };
}

export function openArchiveReader(dir: string): PortableArchiveReader {
  return {
    dir,
    restorePlanPath,
    sectionPath,
    readPlan: () => readRestorePlan(dir),
    openTableRows: (table) => openDataFileRows(join(dir, table.path), table.path, table.columns),
    readLargeObjects: (file) => readLargeObjectFile(join(dir, file.path), file.path),
  };
}

/** The portable archive's directory format, as phases reach it. */
export const portableArchives: PortableArchiveStore = { createWriter: createArchiveWriter, openReader: openArchiveReader };
