/**
 * Restores a portable archive into a target: every file is checked against the manifest before anything is
 * written, then the statements restore.sql would run are applied in its order, each table's rows loaded through the
 * target's load sessions (`jobs` at once), and each table's row count on the target compared with the manifest.
 */
import type { TableRows, TargetEndpoint, TargetSession } from '../endpoints/endpoint.js';
import { openArchiveReader } from '../endpoints/archive/archive-directory.js';
import { restorePlanPath, sectionPath } from '../endpoints/archive/archive-layout.js';
import { sectionsBeforeData, type ArchivedTable, type PortableArchiveReader, type RestorePlan, type SchemaSection } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { BackupManifest } from '../model/backup-manifest.js';
import { shownReason, shownStatement } from '../model/ddl/shown-statement.js';
import { statementsPerTransaction } from '../model/ddl/statements-per-transaction.js';
import { emitter, type EventListener } from '../model/events.js';
import { checkBackupFiles, readManifest } from '../run/backup-files.js';
import { runGraph } from '../run/scheduler.js';

export interface RestorePortableOptions {
  /** Also create the roles the schema names and apply owners, grants and what names roles (policies, memberships…). */
  readonly privileges: boolean;
  /** Tables loaded at once, each on a load session of its own (default 2). */
  readonly jobs?: number;
  /** How long a load waits for another session's lock on its table (default 60 s). */
  readonly lockWaitMs?: number;
  readonly onEvent?: EventListener;
}

export interface RestorePortableResult {
  /** Rows per table ("schema.table") on the target, equal to the manifest's. */
  readonly tables: Array<{ readonly table: string; readonly rows: number }>;
  /** Sections left out (those naming roles, without `privileges`). */
  readonly skipped: string[];
}

const phase = 'restore';

function restoreFailed(message: string, hint: string, cause?: unknown): PgferryError {
  const server = cause instanceof PgferryError ? cause.server : undefined;
  return new PgferryError('RESTORE_FAILED', message, { hint, ...(cause !== undefined ? { cause } : {}), ...(server ? { server } : {}) });
}

/** A statement as an error shows it: a DO block (a role with its password hash, a setting's value) only by its place. */
function statementShown(section: SchemaSection, index: number): string {
  const statement = section.statements[index]!;
  const place = `statement ${index + 1} of ${sectionPath(section.name)}`;
  if (/^DO\s/.test(statement)) return place;
  const flat = shownStatement(statement).replace(/\s+/g, ' ');
  return `${place}: ${flat.length > 300 ? `${flat.slice(0, 297)}...` : flat}`;
}

/** A section in transactions of a bounded number of statements; function bodies are not checked, as in pg_dump's output. */
async function applySection(target: TargetSession, section: SchemaSection, emit: EventListener): Promise<void> {
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
        `${target.label} refused ${statementShown(section, at)}: ${reason}`,
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
function checkPlanAgainstManifest(plan: RestorePlan, manifest: BackupManifest): void {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const problems = [
    ...(listed.has(restorePlanPath) ? [] : [`${restorePlanPath} is not listed`]),
    ...plan.tables.flatMap((t) => {
      const file = listed.get(t.path);
      if (!file) return [`${t.path} (table ${t.schema}.${t.name}) is not listed`];
      return file.rows === t.rows ? [] : [`${t.path}: the manifest records ${file.rows ?? 'no'} rows, the restore plan ${t.rows}`];
    }),
  ];
  if (problems.length === 0) return;
  throw new PgferryError('BACKUP_CORRUPT', `the portable archive's restore plan does not match its manifest: ${problems.join('; ')}`, {
    hint: 'Nothing was restored. Restore from an intact copy of this backup, or take a new one.',
  });
}

async function loadTables(target: TargetEndpoint, archive: PortableArchiveReader, tables: readonly ArchivedTable[], options: RestorePortableOptions): Promise<void> {
  const emit = emitter(options.onEvent);
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  await runGraph<TargetSession>(
    tables.map((table) => ({
      id: `restore:${table.schema}.${table.name}`,
      needs: [],
      cost: table.rows,
      run: async (session) => {
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
      },
    })),
    { jobs: options.jobs ?? 2, openWorker: () => target.openLoadSession(), closeWorker: (session) => session.close() },
  );
}

/** Each table's rows counted by the target itself, against the manifest's counts. */
async function checkRowCounts(target: TargetEndpoint, manifest: BackupManifest, tables: readonly ArchivedTable[]): Promise<Array<{ table: string; rows: number }>> {
  const expected = new Map(manifest.tables.map((t) => [t.table, t.rows]));
  const reader = await target.openVerifyReader();
  const counted: Array<{ table: string; rows: number }> = [];
  try {
    for (const table of tables) counted.push({ table: `${table.schema}.${table.name}`, rows: await reader.countRows(table) });
  } finally {
    await reader.close();
  }
  const differing = counted.filter((c) => expected.get(c.table) !== c.rows).map((c) => `${c.table}: ${c.rows} on the target, ${expected.get(c.table) ?? 'none'} in the manifest`);
  if (differing.length > 0) {
    throw restoreFailed(`after the restore, row counts differ from the backup's: ${differing.join('; ')}`, 'Something wrote into the target during the restore, or the archive is not what its manifest says; restore again into a new empty database.');
  }
  return counted;
}

/**
 * Restores the portable archive in `dir` into `target`, which should be an empty database. Throws BACKUP_CORRUPT
 * (before anything is written) when a file does not match the manifest, RESTORE_FAILED naming the statement or
 * table the target refused.
 *
 * @example
 * await restorePortableArchive('/backups/2024-05-01', target, { privileges: true, jobs: 4 });
 */
export async function restorePortableArchive(dir: string, target: TargetEndpoint, options: RestorePortableOptions): Promise<RestorePortableResult> {
  const emit = emitter(options.onEvent);
  const manifest = await readManifest(dir);
  if (manifest.kind !== 'portable') {
    throw restoreFailed(`${dir} holds a ${manifest.kind} backup, not a portable archive`, 'Restore it as the kind of backup it is (pg_restore for a pg_dump backup).');
  }
  await checkBackupFiles(dir, manifest);
  const archive = openArchiveReader(dir);
  const plan = await archive.readPlan();
  checkPlanAgainstManifest(plan, manifest);

  const applied = plan.sections.filter((s) => options.privileges || !s.namesRoles);
  const skipped = plan.sections.filter((s) => !applied.includes(s)).map((s) => s.name);
  const session = await target.openLoadSession();
  try {
    for (const section of applied.filter((s) => sectionsBeforeData.includes(s.name))) await applySection(session, section, emit);
    await loadTables(target, archive, plan.tables, options);
    for (const section of applied.filter((s) => !sectionsBeforeData.includes(s.name))) await applySection(session, section, emit);
  } finally {
    await session.close();
  }
  return { tables: await checkRowCounts(target, manifest, plan.tables), skipped };
}
