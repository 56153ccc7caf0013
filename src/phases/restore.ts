/**
 * Restores a backup pgferry wrote (either kind) into an empty target: the files are checked against the manifest
 * before anything is written, then the archive is restored, then every table's rows are counted on the target
 * and compared with the manifest.
 */
import { join } from 'node:path';
import type { TargetEndpoint } from '../endpoints/endpoint.js';
import type { PortableArchiveStore } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import { nativeArchiveFile, type BackupManifest } from '../model/backup-manifest.js';
import { emitter, type EventListener } from '../model/events.js';
import { checkBackupFiles, readManifest } from '../run/backup-files.js';
import { tableId } from './copy-plan.js';
import { restorePortableArchive } from './restore-portable.js';
import { timedPhase } from './timed-phase.js';

export interface RestoreSettings {
  /** Owners and grants as the backup has them (the roles must exist on the target); false: everything owned by the connecting user. */
  readonly privileges: boolean;
  /** Portable archives: also give roles their memberships and settings, which other databases may share. */
  readonly serverRoles: boolean;
  readonly jobs: number;
  readonly pgBinDir: string | undefined;
  readonly archives: PortableArchiveStore;
  readonly onEvent?: EventListener;
}

export interface RestoreFacts {
  readonly manifest: BackupManifest;
  readonly tables: ReadonlyArray<{ readonly table: string; readonly expected: number; /** null: the table is not on the target. */
  readonly restored: number | null }>;
  /** Large objects as the manifest records them and as restored; null when the backup holds none. */
  readonly largeObjects: { readonly expected: number; readonly restored: number } | null;
  /** Tables whose restored row count differs from the manifest's, and the large objects when their count differs. */
  readonly differences: number;
}

export async function runRestore(dir: string, target: TargetEndpoint, settings: RestoreSettings): Promise<RestoreFacts> {
  const emit = emitter(settings.onEvent);
  const phase = <T>(name: string, work: () => Promise<T>): Promise<T> => timedPhase(emit, name, work);
  const manifest = await phase('restore:check-files', () => readCheckedBackup(dir));
  await target.lockForRun();
  const existing = (await target.inventoryTarget([])).existingObjectCount;
  if (existing > 0) {
    throw new PgferryError('RESTORE_FAILED', `${target.display} already holds ${existing} object(s); a backup is restored only into an empty database`, {
      hint: 'Create an empty database (createdb) and restore into it; nothing was written.',
    });
  }
  await phase('restore', async () => {
    if (manifest.kind === 'sqlite') {
      throw new PgferryError('RESTORE_FAILED', `the backup in ${dir} is a copy of a SQLite file, which pgferry cannot restore yet; nothing was written`, {
        hint: 'The backup is a SQLite database file: copy it back by hand, or migrate from it (pgferry migrate --from sqlite:///path/to/it).',
      });
    }
    if (manifest.kind === 'pg_dump') {
      await target.restoreNativeArchive(
        { file: join(dir, nativeArchiveFile), toolVersion: manifest.tool?.version ?? String(manifest.source.major) },
        { binDir: settings.pgBinDir, privileges: settings.privileges, jobs: settings.jobs },
      );
    } else {
      await restorePortableArchive(dir, target, { archives: settings.archives, filesChecked: true, privileges: settings.privileges, serverRoles: settings.serverRoles, jobs: settings.jobs, ...(settings.onEvent ? { onEvent: settings.onEvent } : {}) });
    }
  });
  const tables = await phase('restore:count-rows', async () => {
    const reader = await target.openVerifyReader();
    try {
      // By schema and name apart where the manifest has them (a name may hold a dot), else by "schema.table".
      const key = (t: { schema: string; name: string }) => JSON.stringify([t.schema, t.name]);
      const listed = await reader.listTables();
      const bySchemaAndName = new Map(listed.map((t) => [key(t), t]));
      const byText = new Map(listed.map((t) => [tableId(t), t]));
      const counted: Array<RestoreFacts['tables'][number]> = [];
      for (const { table, schema, name, rows } of manifest.tables) {
        const found = schema !== undefined && name !== undefined ? bySchemaAndName.get(key({ schema, name })) : byText.get(table);
        counted.push({ table, expected: rows, restored: found ? await reader.countRows(found) : null });
      }
      const largeObjects = manifest.largeObjects ? { expected: manifest.largeObjects.count, restored: await reader.countLargeObjects() } : null;
      return { counted, largeObjects };
    } finally {
      await reader.close();
    }
  });
  const differences = tables.counted.filter((t) => t.expected !== t.restored).length + (tables.largeObjects && tables.largeObjects.expected !== tables.largeObjects.restored ? 1 : 0);
  return { manifest, tables: tables.counted, largeObjects: tables.largeObjects, differences };
}

/**
 * The manifest, with every file it lists checked (size and sha256) before anything is written; a pg_dump backup's
 * manifest must list its archive (a manifest listing nothing would pass every file check).
 */
export async function readCheckedBackup(dir: string): Promise<BackupManifest> {
  const manifest = await readManifest(dir);
  if (manifest.kind === 'pg_dump' && !manifest.files.some((f) => f.path === nativeArchiveFile && f.role === 'archive')) {
    throw new PgferryError('BACKUP_CORRUPT', `the manifest in ${dir} does not list the archive ${nativeArchiveFile}; nothing was restored`, {
      hint: 'The manifest was changed; restore from another copy of this backup, or take a new one.',
    });
  }
  await checkBackupFiles(dir, manifest);
  return manifest;
}
