/**
 * Restores a portable archive into a target: every file is checked against the manifest before anything is
 * written, then the statements restore.sql would run are applied in its order, each table's rows and each file of
 * large objects loaded through the target's load sessions (`jobs` at once), and each table's row count and the
 * number of large objects on the target compared with the manifest.
 */
import type { TableRows, TargetEndpoint, TargetSession } from '../endpoints/endpoint.js';
import {
  sectionsBeforeData,
  type ArchivedLargeObjects,
  type ArchivedTable,
  type PortableArchiveReader,
  type PortableArchiveStore,
  type RestorePlan,
  type SchemaSection,
} from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { BackupManifest } from '../model/backup-manifest.js';
import { shownReason, shownStatement } from '../model/ddl/shown-statement.js';
import { statementsPerTransaction } from '../model/ddl/statements-per-transaction.js';
import { emitter, type EventListener } from '../model/events.js';
import { checkBackupFiles, readManifest } from '../run/backup-files.js';
import { runGraph, type GraphStep } from '../run/scheduler.js';

export interface RestorePortableOptions {
  /** The archive's directory format (the archive adapter's portableArchives). */
  readonly archives: PortableArchiveStore;
  /** The caller checked every file against the manifest just now (they are not read twice). */
  readonly filesChecked?: boolean;
  /** Also create the roles the schema names and apply owners, grants and what names roles (policies, memberships…). */
  readonly privileges: boolean;
  /**
   * With privileges: also give roles their memberships and settings (ALTER ROLE … SET), which change roles other
   * databases on the server may share (default false; missing roles are made with privileges either way).
   */
  readonly serverRoles?: boolean;
  /** Tables loaded at once, each on a load session of its own (default 2). */
  readonly jobs?: number;
  /** How long a load waits for another session's lock on its table (default 60 s). */
  readonly lockWaitMs?: number;
  readonly onEvent?: EventListener;
}

export interface RestorePortableResult {
  /** Rows per table ("schema.table") on the target, equal to the manifest's. */
  readonly tables: Array<{ readonly table: string; readonly rows: number }>;
  /** Large objects on the target, as many as the manifest records. */
  readonly largeObjects: number;
  /** Sections left out (those naming roles, without `privileges`). */
  readonly skipped: string[];
}

const phase = 'restore';

function restoreFailed(message: string, hint: string, cause?: unknown): PgferryError {
  const server = cause instanceof PgferryError ? cause.server : undefined;
  return new PgferryError('RESTORE_FAILED', message, { hint, ...(cause !== undefined ? { cause } : {}), ...(server ? { server } : {}) });
}

/** A statement as an error shows it: a DO block (a role with its password hash, a setting's value) only by its place. */
function statementShown(archive: PortableArchiveReader, section: SchemaSection, index: number): string {
  const statement = section.statements[index]!;
  const place = `statement ${index + 1} of ${archive.sectionPath(section.name)}`;
  if (/^DO\s/.test(statement)) return place;
  const flat = shownStatement(statement).replace(/\s+/g, ' ');
  return `${place}: ${flat.length > 300 ? `${flat.slice(0, 297)}...` : flat}`;
}

/** A section in transactions of a bounded number of statements; function bodies are not checked, as in pg_dump's output. */
async function applySection(target: TargetSession, archive: PortableArchiveReader, section: SchemaSection, emit: EventListener): Promise<void> {
  const started = Date.now();
  const step = `restore:${section.name}`;
  emit({ type: 'step:start', phase, step });
  for (let from = 0; from < section.statements.length; from += statementsPerTransaction) {
    let at = from;
    try {
      await target.inTransaction(async (tx) => {
        await tx.deferFunctionBodyChecks();
        for (; at < Math.min(from + statementsPerTransaction, section.statements.length); at += 1) await tx.execute(section.statements[at]!);
      });
    } catch (error) {
      const statement = section.statements[at] ?? '';
      const reason = shownReason(statement, (error as Error).message);
      throw restoreFailed(
        `${target.label} refused ${statementShown(archive, section, at)}: ${reason}`,
        section.namesRoles
          ? 'Create the roles the archive names on the target first (or connect as a role that may), or restore without privileges.'
          : 'Restore into an empty database on a server of the source\'s major or newer with the extensions the schema uses; fix the cause and restore again into a new empty database.',
        error,
      );
    }
  }
  emit({ type: 'step:done', phase, step, ms: Date.now() - started });
}

/** The plan's tables and files must be the ones the manifest lists (checked), with the rows it records. */
function checkPlanAgainstManifest(plan: RestorePlan, manifest: BackupManifest, restorePlanPath: string): void {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const problems = [
    ...(listed.has(restorePlanPath) ? [] : [`${restorePlanPath} is not listed`]),
    ...plan.tables.flatMap((t) => {
      const file = listed.get(t.path);
      if (!file) return [`${t.path} (table ${t.schema}.${t.name}) is not listed`];
      return file.rows === t.rows ? [] : [`${t.path}: the manifest records ${file.rows ?? 'no'} rows, the restore plan ${t.rows}`];
    }),
    ...plan.largeObjects.flatMap((l) => (listed.has(l.path) ? [] : [`${l.path} (large objects) is not listed`])),
    ...(plan.largeObjects.length > 0 && manifest.largeObjects?.count !== plan.largeObjects.reduce((n, l) => n + l.objects, 0)
      ? [`the manifest records ${manifest.largeObjects?.count ?? 'no'} large objects, the restore plan ${plan.largeObjects.reduce((n, l) => n + l.objects, 0)}`]
      : []),
  ];
  if (problems.length === 0) return;
  throw new PgferryError('BACKUP_CORRUPT', `the portable archive's restore plan does not match its manifest: ${problems.join('; ')}`, {
    hint: 'Nothing was restored. Restore from an intact copy of this backup, or take a new one.',
  });
}

/** Creates one file's large objects, keeping their OIDs, in one transaction. */
async function loadLargeObjects(session: TargetSession, archive: PortableArchiveReader, file: ArchivedLargeObjects, emit: EventListener): Promise<void> {
  const step = `restore:${file.path}`;
  const started = Date.now();
  emit({ type: 'step:start', phase, step });
  const result = await session.writeLargeObjects(file, archive.readLargeObjects(file)).catch((error: unknown) => {
    throw error instanceof PgferryError && error.code === 'BACKUP_CORRUPT'
      ? error
      : restoreFailed(`loading the large objects of ${file.path} failed: ${(error as Error).message}`, 'Nothing of this file was committed; fix the cause and restore again into a new empty database.', error);
  });
  if (result.objects !== file.objects || result.bytes !== file.bytes) {
    throw restoreFailed(
      `loading ${file.path} put ${result.objects} large object(s) of ${result.bytes} bytes on the target; the archive holds ${file.objects} of ${file.bytes} bytes`,
      'The archive or the target is not what it should be; restore into a new empty database.',
    );
  }
  emit({ type: 'step:done', phase, step, ms: Date.now() - started, rows: result.objects, bytes: result.bytes });
}

/** Loads one table's rows in one transaction; its row count on the target must be the archive's. */
async function loadTable(session: TargetSession, archive: PortableArchiveReader, table: ArchivedTable, lockWaitMs: number, emit: EventListener): Promise<void> {
  const id = `${table.schema}.${table.name}`;
  const started = Date.now();
  emit({ type: 'step:start', phase, step: `restore:${id}` });
  const open = async (): Promise<TableRows> => archive.openTableRows(table);
  const result = await session
    .loadTable(open, { table, redo: false, binary: false, lockWaitMs, onLockWait: (message) => emit({ type: 'warning', code: 'TABLE_LOCK_WAIT', message }) })
    .catch((error: unknown) => {
      throw error instanceof PgferryError && error.code === 'BACKUP_CORRUPT'
        ? error
        : restoreFailed(`loading ${id} from ${table.path} failed: ${(error as Error).message}`, 'Nothing of this table was committed; fix the cause and restore again into a new empty database.', error);
    });
  if (result.rows !== table.rows) {
    throw restoreFailed(`loading ${id} put ${result.rows} row(s) on the target; the archive holds ${table.rows}`, 'The archive or the target is not what it should be; restore into a new empty database.');
  }
  emit({ type: 'step:done', phase, step: `restore:${id}`, ms: Date.now() - started, rows: result.rows, bytes: result.bytes });
}

/** The tables' rows and the files of large objects, `jobs` at once, each step on a load session of its own. */
async function loadData(target: TargetEndpoint, archive: PortableArchiveReader, plan: RestorePlan, options: RestorePortableOptions): Promise<void> {
  const emit = emitter(options.onEvent);
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  const steps: Array<GraphStep<TargetSession>> = [
    ...plan.tables.map((table) => ({ id: `restore:${table.schema}.${table.name}`, needs: [], cost: table.rows, run: (session: TargetSession) => loadTable(session, archive, table, lockWaitMs, emit) })),
    ...plan.largeObjects.map((file) => ({ id: `restore:${file.path}`, needs: [], cost: file.bytes, run: (session: TargetSession) => loadLargeObjects(session, archive, file, emit) })),
  ];
  await runGraph(steps, { jobs: options.jobs ?? 2, openWorker: () => target.openLoadSession(), closeWorker: (session) => session.close() });
}

/** Each table's rows and the large objects counted by the target itself, against the manifest's counts. */
async function checkCounts(target: TargetEndpoint, manifest: BackupManifest, tables: readonly ArchivedTable[]): Promise<Pick<RestorePortableResult, 'tables' | 'largeObjects'>> {
  // By schema and name apart where the manifest has them (a name may hold a dot); an older manifest by "schema.table".
  const byNames = manifest.tables.every((t) => t.schema !== undefined && t.name !== undefined);
  const keyOf = (schema: string, name: string) => (byNames ? JSON.stringify([schema, name]) : `${schema}.${name}`);
  const expected = new Map(manifest.tables.map((t) => [byNames ? keyOf(t.schema!, t.name!) : t.table, t.rows]));
  const reader = await target.openVerifyReader();
  const counted: Array<{ table: string; key: string; rows: number }> = [];
  let largeObjects: number;
  try {
    for (const table of tables) counted.push({ table: `${table.schema}.${table.name}`, key: keyOf(table.schema, table.name), rows: await reader.countRows(table) });
    largeObjects = target.capabilities.largeObjects ? await reader.countLargeObjects() : 0;
  } finally {
    await reader.close();
  }
  const differing = counted.filter((c) => expected.get(c.key) !== c.rows).map((c) => `${c.table}: ${c.rows} on the target, ${expected.get(c.key) ?? 'none'} in the manifest`);
  // An archive written before large objects were carried records none, whatever the source had.
  const expectedLargeObjects = manifest.largeObjects?.count ?? 0;
  if (largeObjects !== expectedLargeObjects) differing.push(`large objects: ${largeObjects} on the target, ${expectedLargeObjects} in the manifest`);
  if (differing.length > 0) {
    throw restoreFailed(`after the restore, counts differ from the backup's: ${differing.join('; ')}`, 'Something wrote into the target during the restore, or the archive is not what its manifest says; restore again into a new empty database.');
  }
  return { tables: counted.map(({ table, rows }) => ({ table, rows })), largeObjects };
}

/**
 * Restores the portable archive in `dir` into `target`, which should be an empty database. Throws BACKUP_CORRUPT
 * (before anything is written) when a file does not match the manifest, RESTORE_FAILED naming the statement or
 * table the target refused.
 *
 * @example
 * await restorePortableArchive('/backups/2024-05-01', target, { archives: portableArchives, privileges: true, jobs: 4 });
 */
export async function restorePortableArchive(dir: string, target: TargetEndpoint, options: RestorePortableOptions): Promise<RestorePortableResult> {
  const emit = emitter(options.onEvent);
  const manifest = await readManifest(dir);
  if (manifest.kind !== 'portable') {
    throw restoreFailed(`${dir} holds a ${manifest.kind} backup, not a portable archive`, 'Restore it as the kind of backup it is (pg_restore for a pg_dump backup).');
  }
  if (!options.filesChecked) await checkBackupFiles(dir, manifest);
  const archive = options.archives.openReader(dir);
  const plan = await archive.readPlan();
  checkPlanAgainstManifest(plan, manifest, archive.restorePlanPath);

  const serverRoles = options.privileges && (options.serverRoles ?? false);
  const applied = plan.sections.filter((s) => (s.changesServerRoles ? serverRoles : options.privileges || !s.namesRoles));
  const skipped = plan.sections.filter((s) => !applied.includes(s)).map((s) => s.name);
  const session = await target.openLoadSession();
  try {
    for (const section of applied.filter((s) => sectionsBeforeData.includes(s.name))) await applySection(session, archive, section, emit);
    await loadData(target, archive, plan, options);
    for (const section of applied.filter((s) => !sectionsBeforeData.includes(s.name))) await applySection(session, archive, section, emit);
  } finally {
    await session.close();
  }
  return { ...(await checkCounts(target, manifest, plan.tables)), skipped };
}
