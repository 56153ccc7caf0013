/**
 * The backup phase: before anything is written anywhere, the source is backed up — a pg_dump custom-format
 * archive (+ roles) when a pg_dump that can read it is installed, else pgferry's portable archive — then listed,
 * the plan's extra backup steps run, and, when asked or small enough, restored into a scratch database on the
 * target's server and verified against the source. The manifest (manifest.json, manifest.txt) says what was
 * written and checked.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NativeDump, ScratchDatabase, SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import type { PortableArchiveStore } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import { nativeArchiveFile, rolesFile, type BackupCheck, type BackupFile, type BackupKind, type BackupManifest, type ManifestTable } from '../model/backup-manifest.js';
import { emitter, type EventListener } from '../model/events.js';
import type { SourceInventory } from '../model/inventory.js';
import type { ShellHookRecord } from '../model/shell-hook.js';
import { formatBytes } from '../model/units.js';
import type { Plan } from '../plan/plan-schema.js';
import { describeFile, writeManifest } from '../run/backup-files.js';
import { readLocalFacts } from '../run/local-disk.js';
import { cleanUpOnExit } from '../run/exit-cleanups.js';
import { runShellHook } from '../run/shell-hook.js';
import { writePortableArchive } from './portable-archive.js';
import { restorePortableArchive } from './restore-portable.js';
import { readCheckedBackup } from './restore.js';
import { timedPhase } from './timed-phase.js';
import { runVerify, type VerifyFacts } from './verify.js';

export interface BackupSettings {
  readonly dir: string;
  readonly backup: Plan['backup'];
  readonly jobs: number;
  readonly lockWaitSeconds: number;
  /** Where the portable archive is written (and read back by the test restore). */
  readonly archives: PortableArchiveStore;
  /** The source's URL as the plan gives it: hooks get it (PGFERRY_SOURCE_URL) to reach the source themselves. */
  readonly sourceUrl: string;
  readonly onEvent?: EventListener;
}

/** Takes, checks and describes the backup; `target` (when given) is the server the test restore goes to. */
export async function runBackup(
  source: SourceEndpoint,
  target: TargetEndpoint | undefined,
  inventory: SourceInventory,
  settings: BackupSettings,
): Promise<BackupManifest> {
  const emit = emitter(settings.onEvent);
  return timedPhase(emit, 'backup', () => takeBackup(source, target, inventory, settings, emit));
}

async function takeBackup(
  source: SourceEndpoint,
  target: TargetEndpoint | undefined,
  inventory: SourceInventory,
  settings: BackupSettings,
  emit: EventListener,
): Promise<BackupManifest> {
  const started = Date.now();
  const { dir, backup } = settings;
  const native = backup.format === 'portable' ? null : await source.findNativeDump(backup.pgBinDir);
  if (backup.format === 'pg_dump' && !native) {
    throw new PgferryError('BACKUP_FAILED', `no pg_dump of PostgreSQL ${inventory.server.major} or newer is installed (searched backup.pgBinDir, PATH and /usr/lib/postgresql/*/bin)`, {
      hint: `Install the PostgreSQL ${inventory.server.major} client tools, name their directory with backup.pgBinDir, or let pgferry write its portable archive (backup.format: auto or portable).`,
    });
  }
  const estimatedBytes = estimateBackupBytes(inventory);
  await refuseWithoutSpace(dir, estimatedBytes, backup.reserveMb);
  await emptyBackupDir(dir);

  let written: ArchiveWritten;
  try {
    written = native ? await writeNativeArchive(source, native, dir, inventory) : await writePortable(source, dir, settings);
  } catch (error) {
    // pg_dump takes a lock on every table in one transaction, which a source with a small lock table refuses
    // ("out of shared memory"); the portable archive reads one table at a time. Asked for pg_dump, the run stops.
    if (!native || backup.format !== 'auto' || !(error instanceof PgferryError) || error.code !== 'BACKUP_FAILED') throw error;
    await emptyBackupDir(dir);
    written = await writePortable(source, dir, settings);
    written = { ...written, notes: [`${error.message.split('\n')[0]}; pgferry's portable archive was written instead`, ...written.notes] };
  }
  const { kind, files, tables, notes, listedEntries, largeObjects, tool } = written;

  const hooks = await runHooks(dir, backup.hooks, { PGFERRY_PHASE: 'backup', PGFERRY_BACKUP_DIR: dir, PGFERRY_SOURCE_URL: settings.sourceUrl });
  files.push(...(await Promise.all(hooks.map((h, index) => describeFile(dir, hookOutputPath(index, h.name), 'hook')))));
  const manifestWithoutCheck = {
    formatVersion: 1 as const,
    kind,
    createdAt: new Date(started).toISOString(),
    source: { display: source.display, serverVersion: inventory.server.version, major: inventory.server.major, database: inventory.server.database },
    ...(tool ? { tool } : {}),
    files,
    tables,
    ...(largeObjects ? { largeObjects } : {}),
    hooks,
    notes,
  };
  // Written before the test restore, which checks the files against it like any restore.
  await writeManifest(dir, { ...manifestWithoutCheck, check: { ...(listedEntries !== undefined ? { listedEntries } : {}), testRestore: { status: 'skipped', reason: 'not run yet' } } });
  const failedHook = hooks.find((h) => h.exitCode !== 0);
  if (failedHook) {
    throw new PgferryError('BACKUP_HOOK_FAILED', `the backup hook "${failedHook.name}" ${failedHook.timedOut ? 'timed out' : `exited with ${failedHook.exitCode}`}: ${failedHook.outputTail.split('\n').slice(-3).join(' / ')}`, {
      hint: `Its whole output is in ${join(dir, hookOutputPath(hooks.indexOf(failedHook), failedHook.name))}; fix the command in the plan (backup.hooks) and run again.`,
    });
  }

  const testRestore = native?.notTestRestorable
    ? { status: 'skipped' as const, reason: native.notTestRestorable }
    : await testRestoreBackup(source, target, { dir, toolVersion: tool?.version }, settings, estimatedBytes);
  const manifest: BackupManifest = { ...manifestWithoutCheck, check: { ...(listedEntries !== undefined ? { listedEntries } : {}), testRestore } };
  await writeManifest(dir, manifest);
  emit({ type: 'backup:done', dir, manifest });
  return manifest;
}

/** What writing one kind of archive produced, before hooks and checks. */
interface ArchiveWritten {
  readonly kind: BackupKind;
  readonly files: BackupFile[];
  readonly tables: ManifestTable[];
  readonly notes: string[];
  readonly listedEntries?: number;
  readonly largeObjects?: BackupManifest['largeObjects'];
  readonly tool?: NativeDump['tool'];
}

async function writeNativeArchive(source: SourceEndpoint, native: NativeDump, dir: string, inventory: SourceInventory): Promise<ArchiveWritten> {
  const snapshot = await source.openSnapshot();
  let tables: ArchiveWritten['tables'];
  let largeObjects: ArchiveWritten['largeObjects'];
  try {
    // pg_dump writes the large objects of the same snapshot: their number and bytes let a restore check them.
    const sizes = source.capabilities.largeObjects ? await snapshot.largeObjectSizes() : [];
    if (sizes.length > 0) largeObjects = { count: sizes.length, bytes: sizes.reduce((n, s) => n + s.bytes, 0) };
    // At once: pg_dump -Fc works on one core, the counts on another.
    const counted = countRowsInSnapshot(source, snapshot.id, inventory);
    const dumped = native.dumpDatabase(join(dir, native.fileName), snapshot.id);
    // Both settle before the snapshot is released, so neither is left running when the other failed.
    const [counts, dump] = await Promise.allSettled([counted, dumped]);
    if (counts.status === 'rejected') throw counts.reason;
    if (dump.status === 'rejected') throw dump.reason;
    tables = counts.value;
  } finally {
    await snapshot.release();
  }
  const files = [await describeFile(dir, native.fileName, 'archive')];
  const roles = await native.dumpRoles(join(dir, rolesFile));
  if (roles.written) files.push(await describeFile(dir, rolesFile, 'roles'));
  const listedEntries = await native.countEntries(join(dir, native.fileName));
  return { kind: native.kind, files, tables, notes: roles.note ? [roles.note] : [], listedEntries, tool: native.tool, ...(largeObjects ? { largeObjects } : {}) };
}

async function writePortable(source: SourceEndpoint, dir: string, settings: BackupSettings): Promise<ArchiveWritten> {
  const written = await writePortableArchive(source, dir, { archives: settings.archives, lockWaitMs: settings.lockWaitSeconds * 1000, ...(settings.onEvent ? { onEvent: settings.onEvent } : {}) });
  return { kind: 'portable', files: [...written.files], tables: [...written.tables], notes: [...written.notes], ...(written.largeObjects ? { largeObjects: written.largeObjects } : {}) };
}

/**
 * Counted in the snapshot the archive is written from, so the manifest's counts are the archive's rows; each count
 * in a read of its own, so no transaction holds a lock on every table.
 */
async function countRowsInSnapshot(source: SourceEndpoint, snapshotId: string, inventory: SourceInventory): Promise<ManifestTable[]> {
  const reader = await source.openReader(snapshotId);
  try {
    const counted = [];
    for (const table of inventory.tables.filter((t) => t.kind !== 'partitioned')) {
      counted.push({ table: `${table.schema}.${table.name}`, schema: table.schema, name: table.name, rows: await reader.countRows(table) });
      await reader.endRead();
    }
    return counted;
  } finally {
    await reader.close();
  }
}

/** An upper bound: the tables' data and the large objects, uncompressed (both archive kinds compress). */
function estimateBackupBytes(inventory: SourceInventory): number {
  return inventory.tables.reduce((n, t) => n + t.dataBytes, 0) + (inventory.largeObjectBytes ?? 0);
}

async function refuseWithoutSpace(dir: string, estimatedBytes: number, reserveMb: number): Promise<void> {
  const { freeBytes } = await readLocalFacts(dir, estimatedBytes);
  const neededBytes = estimatedBytes + reserveMb * 1024 * 1024;
  if (freeBytes < neededBytes) {
    throw new PgferryError(
      'BACKUP_DISK_FULL',
      `the backup needs up to ${formatBytes(estimatedBytes)} plus ${formatBytes(reserveMb * 1024 * 1024)} kept free (backup.reserveMb), ${formatBytes(neededBytes)} in all, but ${dir} has ${formatBytes(freeBytes)} free; nothing was written`,
      { hint: 'Free space there, put the run directory on a bigger disk (--run-dir), or lower backup.reserveMb.' },
    );
  }
}

/**
 * The backup directory is pgferry's: what an interrupted attempt left there is removed. Only its owner may read it
 * (it holds the data, and roles.sql may hold password hashes).
 */
async function emptyBackupDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PgferryError('BACKUP_FAILED', `the backup directory ${dir} cannot be made: ${(error as Error).message}`, {
      hint: 'Choose a run directory (--run-dir) or --out on a local disk you may write to.',
      cause: error,
    });
  }
}

/** `hooks/<n>-<name>.log`: numbered, so two hooks whose names read alike never share a file. */
function hookOutputPath(index: number, name: string): string {
  return `hooks/${index + 1}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}.log`;
}

/** Runs the plan's hooks one after another; the first that fails ends the list (its record says so). */
async function runHooks(dir: string, hooks: Plan['backup']['hooks'], env: Readonly<Record<string, string>>): Promise<ShellHookRecord[]> {
  if (hooks.length === 0) return [];
  await mkdir(join(dir, 'hooks'), { recursive: true });
  const records: ShellHookRecord[] = [];
  for (const [index, hook] of hooks.entries()) {
    const record = await runShellHook(hook, env, join(dir, hookOutputPath(index, hook.name)));
    records.push(record);
    if (record.exitCode !== 0) break;
  }
  return records;
}

/**
 * Restores the backup into a scratch database on the target's server and verifies it against the source: data,
 * schema and sequences (owners and grants are left out, as the target's server may not have the source's roles
 * yet). The scratch database is dropped whatever happens.
 */
async function testRestoreBackup(
  source: SourceEndpoint,
  target: TargetEndpoint | undefined,
  backupTaken: { readonly dir: string; readonly toolVersion: string | undefined },
  settings: BackupSettings,
  estimatedBytes: number,
): Promise<BackupCheck['testRestore']> {
  const { backup } = settings;
  if (backup.testRestore === 'never') return { status: 'skipped', reason: 'backup.testRestore is never' };
  if (backup.testRestore === 'auto' && estimatedBytes > backup.testRestoreMaxMb * 1024 * 1024) {
    return { status: 'skipped', reason: `the source's data (${formatBytes(estimatedBytes)}) is over backup.testRestoreMaxMb (${backup.testRestoreMaxMb} MB); set backup.testRestore: always to check it anyway` };
  }
  if (!target) return { status: 'skipped', reason: 'no target server was given (--to) to restore into' };
  const started = Date.now();
  let scratch;
  try {
    scratch = await target.createScratchDatabase('pgferry_test_restore', (await source.readSchema()).roles.map((r) => r.name));
  } catch (error) {
    if (error instanceof PgferryError && error.code === 'PERMISSION_DENIED') return { status: 'skipped', reason: error.message };
    throw error;
  }
  // Dropped also when the process is interrupted (Ctrl-C, SIGTERM), so no scratch database is left on the server.
  const drop = () => scratch.drop();
  const forget = cleanUpOnExit(drop);
  try {
    return await restoreAndVerify(source, scratch, backupTaken, settings, started);
  } catch (error) {
    // A backup that does not restore is a finding about the backup, not a failure of the run that took it.
    const reason = error instanceof PgferryError ? `${error.code}: ${error.message}` : (error as Error).message;
    return { status: 'failed', ms: Date.now() - started, database: scratch.name, reason };
  } finally {
    forget();
    await drop();
  }
}

async function restoreAndVerify(
  source: SourceEndpoint,
  scratch: ScratchDatabase,
  backupTaken: { readonly dir: string; readonly toolVersion: string | undefined },
  settings: BackupSettings,
  started: number,
): Promise<BackupCheck['testRestore']> {
  const { dir, toolVersion } = backupTaken;
  // Like any restore: a file that changed since it was described (a hook rewrote it) fails the check.
  await readCheckedBackup(dir);
  // With every role there, owners, grants and policies restore as backed up; the roles' own attributes are the
  // server's, so what is compared leaves owners and grants out either way.
  const options = { privileges: scratch.rolesReady, jobs: settings.jobs };
  if (toolVersion !== undefined) await scratch.endpoint.restoreNativeArchive({ file: join(dir, nativeArchiveFile), toolVersion }, { ...options, binDir: settings.backup.pgBinDir });
  // Roles belong to the whole server: a check never changes them (the portable restore does not unless asked).
  else await restorePortableArchive(dir, scratch.endpoint, { ...options, archives: settings.archives, filesChecked: true });
  const verified = await runVerify(source, scratch.endpoint, { jobs: settings.jobs, tables: [], exclude: [], countsOnly: false, maxDiffs: 3, owners: { map: {}, drop: true } });
  return {
    status: verified.differences === 0 ? 'equal' : 'different',
    ms: Date.now() - started,
    database: scratch.name,
    differences: verified.differences,
    differing: differenceLines(verified, 10),
    compared: `rows (counts and checksums), schema and sequences; owners and grants ${scratch.rolesReady ? 'restored, not compared' : 'left out (the user may not make the roles they name)'}`,
  };
}

/** What a verification found, a short line each, the first `limit`. */
function differenceLines(facts: VerifyFacts, limit: number): string[] {
  const lines = [
    ...facts.tables.filter((t) => t.sourceRows !== t.targetRows || t.content === 'different').map((t) => `table ${t.table}: ${t.sourceRows} rows on the source, ${t.targetRows} restored${t.content === 'different' ? ', content differs' : ''}`),
    ...facts.schema.map((d) => `${d.object}: ${d.property} differs`),
    ...facts.sequences.map((q) => `sequence ${q.sequence}: ${q.problem}`),
    ...(facts.largeObjects && facts.largeObjects.differences.length > 0
      ? [`large objects: ${facts.largeObjects.sourceObjects} on the source, ${facts.largeObjects.targetObjects} restored, ${facts.largeObjects.differences.length} differ`]
      : []),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}
