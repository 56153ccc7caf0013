/**
 * Native backups of a PostgreSQL database with its own tools: pg_dump's custom-format archive (in the run's
 * snapshot, so it holds exactly the rows counted there), the roles from pg_dumpall, pg_restore to list and restore.
 */
import type { NativeArchive, NativeDump, NativeRestoreOptions } from '../endpoint.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { nativeArchiveFile } from '../../model/backup-manifest.js';
import { listPgTools, pickPgTools, quickCallMs, runPgTool, type PgTools } from './pg-tools.js';

export async function findNativeDump(
  binDir: string | undefined,
  serverMajor: number,
  connection: Readonly<Record<string, string>>,
  lockWaitSeconds: number,
): Promise<NativeDump | null> {
  const tools = pickPgTools(await listPgTools(binDir), serverMajor);
  if (!tools) return null;
  const backupFailure = (what: string, hint: string) => ({ code: 'BACKUP_FAILED' as const, what, hint });
  return {
    kind: 'pg_dump',
    fileName: nativeArchiveFile,
    tool: { path: tools.pgDump, version: tools.version },
    dumpDatabase: async (file, snapshotId) => {
      const args = ['--format=custom', `--snapshot=${snapshotId}`, `--lock-wait-timeout=${lockWaitSeconds * 1000}`, `--file=${file}`];
      await runPgTool(tools.pgDump, args, connection, backupFailure(`pg_dump ${tools.version} of ${connection.PGDATABASE}`, 'Fix the cause pg_dump names (space, permissions on a table), then run again.'));
    },
    dumpRoles: async (file) => {
      const roles = (extra: string[]) =>
        runPgTool(tools.pgDumpall, ['--roles-only', `--database=${connection.PGDATABASE}`, `--file=${file}`, ...extra], connection, backupFailure('pg_dumpall --roles-only', ''));
      try {
        await roles([]);
        return { written: true };
      } catch {
        // Only a superuser may read pg_authid (the password hashes); the roles themselves are readable by anyone.
        try {
          await roles(['--no-role-passwords']);
          return { written: true, note: 'roles were written without their passwords: the source user may not read them (pg_authid)' };
        } catch (error) {
          return { written: false, note: `roles were not written: ${(error as Error).message}` };
        }
      }
    },
    countEntries: (file) => countArchiveEntries(tools, file),
  };
}

/** Counts the entries of a custom-format archive as `pg_restore --list` prints them (comment lines left out). */
async function countArchiveEntries(tools: PgTools, file: string): Promise<number> {
  const { stdout } = await runPgTool(
    tools.pgRestore,
    ['--list', file],
    {},
    { code: 'BACKUP_CORRUPT', what: `pg_restore --list ${file}`, hint: 'The archive cannot be read: take the backup again.' },
    quickCallMs,
  );
  return stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length;
}

/** pg_restore of the archive's major or newer into the database `connection` names, stopping at the first error. */
export async function restoreNativeArchive(archive: NativeArchive, options: NativeRestoreOptions, connection: Readonly<Record<string, string>>): Promise<void> {
  const archiveMajor = Number(/^\d+/.exec(archive.toolVersion)?.[0] ?? '0');
  const tools = pickPgTools(await listPgTools(options.binDir), archiveMajor);
  if (!tools) {
    throw new PgferryError('RESTORE_FAILED', `no pg_restore of version ${archiveMajor} or newer is installed to read ${archive.file} (written by pg_dump ${archive.toolVersion})`, {
      hint: `Install the PostgreSQL ${archiveMajor} client tools (or newer), or name their directory with backup.pgBinDir in the plan.`,
    });
  }
  const args = ['--exit-on-error', `--jobs=${options.jobs}`, `--dbname=${connection.PGDATABASE}`, ...(options.privileges ? [] : ['--no-owner', '--no-acl']), archive.file];
  await runPgTool(tools.pgRestore, args, connection, {
    code: 'RESTORE_FAILED',
    what: `pg_restore ${tools.version} into ${connection.PGDATABASE}`,
    hint: options.privileges
      ? 'Create the roles the archive names first (roles.sql beside it), or restore without privileges (--no-privileges).'
      : 'Fix the cause pg_restore names on the target (an extension it lacks, a missing permission), empty the database, and restore again.',
  });
}
