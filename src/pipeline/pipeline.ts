/**
 * The migration, in the order of the runbook it replaces. Every phase is journaled, so running the same plan
 * again after a crash continues where the last run stopped.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { SourceSnapshot } from '../endpoints/endpoint.js';
import type { ChunkKey } from '../model/key-range.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { SchemaUnit } from '../model/ddl/schema-unit.js';
import type { Finding } from '../model/findings.js';
import { withoutRefused } from '../model/without-refused.js';
import { autoChunkBytes, planCopySteps, tableId, type CopyStep } from '../phases/copy-plan.js';
import { runLoad } from '../phases/load.js';
import { planLoadSteps } from '../phases/load-plan.js';
import { runPreflight, type PreflightFacts } from '../phases/preflight.js';
import { recheckDoneSteps } from '../phases/recheck-done-steps.js';
import { reconcileSourceChanges } from '../phases/source-changes.js';
import { runJournaledStep } from '../phases/journaled-step.js';
import { timedPhase } from '../phases/timed-phase.js';
import { runBackup } from '../phases/backup.js';
import type { BackupManifest } from '../model/backup-manifest.js';
import { readManifest } from '../run/backup-files.js';
import { provisionRoles } from '../phases/provision.js';
import { runSchemaPost } from '../phases/schema-post.js';
import { collationVersionWarnings } from '../phases/collation-versions.js';
import { applyPreData, planPreData } from '../phases/schema-pre.js';
import { planServerObjects, type ServerObjectsPlan } from '../phases/server-objects.js';
import { runVerify, type VerifyFacts } from '../phases/verify.js';
import type { Plan } from '../plan/plan-schema.js';
import type { DatabaseFingerprint } from '../model/database-fingerprint.js';
import { tablesOf } from '../model/schema-model.js';
import { largeObjectRangeBytes, objectsPerRange, planLargeObjectRanges, type LargeObjectRange } from '../model/large-objects.js';
import { emitter, type EventListener } from '../model/events.js';
import { Journal, type StepSummary } from '../run/journal.js';
import type { RunEndpoints } from '../run/open-run-endpoints.js';
import { openRejectFile } from '../run/reject-file.js';
import { runPathsFor } from '../run/run-paths.js';

export type MigrationFacts =
  | { readonly status: 'blocked'; readonly preflight: PreflightFacts }
  | {
      readonly status: 'migrated';
      readonly preflight: PreflightFacts;
      readonly resumed: boolean;
      readonly runDir: string;
      readonly warnings: readonly Finding[];
      readonly steps: readonly StepSummary[];
      readonly tables: ReadonlyArray<{ readonly table: string; readonly rows: number; readonly bytes: number }>;
      readonly notCovered: readonly string[];
      /** The backup of the source taken before anything was written; null when the plan says backup.enabled: false. */
      readonly backup: { readonly dir: string; readonly manifest: BackupManifest } | null;
      /** null when the plan says verify: false. */
      readonly verification: VerifyFacts | null;
    };

/** What must not change between an interrupted run and its resumption. */
function planHash(plan: Plan, endpoints: RunEndpoints): string {
  const settings = { source: endpoints.source.identity, target: endpoints.target.identity, owners: plan.owners, chunkSizeMb: plan.chunkSizeMb };
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex');
}

export interface MigrationOptions {
  /** Only continue an unfinished run; refuse to start a new one. */
  readonly resumeOnly?: boolean;
  readonly onEvent?: EventListener;
}

export async function runMigration(plan: Plan, endpoints: RunEndpoints, options: MigrationOptions = {}): Promise<MigrationFacts> {
  const { onEvent } = options;
  const emit = emitter(onEvent);
  const phase = <T>(name: string, work: () => Promise<T>): Promise<T> => timedPhase(emit, name, work);
  // Held until the endpoints close: a second run into this target refuses here, before it reads or writes anything.
  await endpoints.target.lockForRun();
  const paths = runPathsFor(plan.runDir, endpoints.source.identity, endpoints.target.identity);
  const unfinished = existsSync(paths.journal) && Journal.isUnfinished(paths);
  if (options.resumeOnly && !unfinished) {
    throw new PgferryError('NOTHING_TO_RESUME', `there is no unfinished run of this source and target in ${plan.runDir}`, {
      hint: 'Run without --resume to start a migration, or give the --run-dir the interrupted run used.',
    });
  }

  // 1. Preflight: read both ends and the source's schema, try that schema on the target (rolled back); blockers
  //    stop the run before anything is written. Row counts are the planner's estimates here: the copy counts every
  //    row it moves (COPY's own reply), so an exact count(*) of every table would only read the whole source again.
  const estimated = { ...plan, preflight: { ...plan.preflight, estimateCounts: true } };
  const { facts: preflight, schema: model } = await runPreflight(estimated, endpoints, onEvent, unfinished);
  if (preflight.blockers.length > 0) return { status: 'blocked', preflight };

  const journal = Journal.open(paths, planHash(plan, endpoints));
  try {
    // Each refusal is named once, as what happened: migrate names every object it could not create, so preflight's
    // prediction of the same ("would not be created") is not repeated here.
    const warnings: Finding[] = preflight.warnings.filter((w) => w.code !== 'OBJECT_REFUSED');
    refuseOtherTarget(journal, await endpoints.target.fingerprint());

    // 2. Backup of the source, before anything is written: taken once per run (a resumed run keeps it), listed,
    //    test-restored into a scratch database on the target's server when small enough.
    const backup = plan.backup.enabled ? await backupSource(plan, endpoints, journal, paths.backup, preflight, onEvent) : null;
    if (backup) warnings.push(...backupWarnings(backup));
    const target = await endpoints.target.openLoadSession();

    // 3. Provision: empty the target if the plan says so (again, when an earlier attempt stopped half-way); create or map roles.
    const roles = await phase('provision', async () => {
      const dropStarted = journal.stepState('provision:drop') === 'running';
      const dropWanted = plan.ifTargetNotEmpty === 'drop' && (dropStarted || (!journal.resuming && preflight.target.inventory.existingObjectCount > 0));
      if (dropWanted) await runJournaledStep(journal, { id: 'provision:drop', phase: 'provision' }, async () => void (await target.dropUserSchemas()));
      return provisionRoles(model, target, plan.owners);
    });
    warnings.push(...roles.warnings);

    // 4. Schema before the data, in journaled transactions. The statements are planned once and kept in the journal,
    //    so a resumed run applies the same batches. Extensions are looked up after provision: dropping schemas
    //    drops the extensions that lived in them. Languages, foreign data, publications and event triggers are each
    //    tried on their own: a target may refuse one (OBJECT_REFUSED), and what needs it is refused in turn.
    const plannedServerObjects = planServerObjects(model.serverObjects, roles.resolve);
    warnings.push(...plannedServerObjects.warnings);
    const serverObjects = journal.value<ServerObjectsPlan>('server_objects_plan') ?? plannedServerObjects.plan;
    journal.setValue('server_objects_plan', serverObjects);
    const preData = await phase('schema:pre', async () => {
      let units = journal.value<SchemaUnit[]>('pre_data_plan');
      if (!units) {
        const planned = planPreData(model, await target.availableExtensions(), serverObjects, preflight.target.inventory.toastCompressions);
        warnings.push(...planned.warnings);
        units = [...planned.units];
        journal.setValue('pre_data_plan', units);
      }
      return applyPreData(journal, target, units);
    });
    warnings.push(...preData.warnings);
    // From here on, the schema as the target holds it: what it refused is neither loaded, indexed nor commented.
    const created = withoutRefused(model, preData.refused);
    warnings.push(...created.warnings);
    // A table refused (also in turn) is not there to load: it was named OBJECT_REFUSED, and verify reports it missing.
    const createdTables = new Set(tablesOf(created.model).map(tableId));
    const refusedTables = new Set(tablesOf(model).map(tableId).filter((id) => !createdTables.has(id)));
    const toCreated = (steps: readonly CopyStep[]) => steps.filter((s) => !refusedTables.has(tableId(s.table)));
    // Sessions are held only while used: a small target allows few, and the load may run for hours.
    await target.close();

    // 5. Data, indexes, constraints, materialized views, statistics: one graph on `jobs` workers.
    await phase('load', async () => {
      const tableBytes = new Map(preflight.source.inventory.tables.map((t) => [tableId(t), t.dataBytes]));
      const storedCopies = journal.value<CopyStep[]>('copy_plan');
      const storedPlan = storedCopies && toCreated(storedCopies);
      const storedRanges = journal.value<LargeObjectRange[]>('large_object_plan');
      // What the journal calls done must be on the target before the run builds on it (a crashed target loses
      // its unlogged tables' rows): reopened copies need a snapshot again.
      const unlogged = new Set(tablesOf(created.model).filter((t) => t.persistence === 'unlogged').map(tableId));
      if (storedPlan) {
        const recheck = await endpoints.target.openLoadSession();
        try {
          warnings.push(...(await recheckDoneSteps(planLoadSteps(created.model, storedPlan, tableBytes, storedRanges), journal, recheck, unlogged)));
        } finally {
          await recheck.close();
        }
      }
      const needsSnapshot = !storedPlan || !storedRanges || [...storedPlan, ...storedRanges].some((s) => !journal.isDone(s.id));
      const snapshot = needsSnapshot ? await endpoints.source.openSnapshot() : undefined;
      try {
        // A new snapshot on resume: tables already copied must not have changed since (or are copied again).
        if (snapshot) warnings.push(...reconcileSourceChanges(journal, storedPlan, await snapshot.changeCounters(), plan.sourceChanged));
        const copySteps = storedPlan ?? toCreated(await planCopy(preflight, snapshot!, plan.chunkSizeMb, plan.jobs));
        journal.setValue('copy_plan', copySteps);
        // Large objects in OID ranges, planned in the snapshot like the tables' chunks.
        const largeObjectRanges = storedRanges ?? (await planLargeObjects(endpoints, snapshot!, plan.chunkSizeMb, plan.jobs));
        journal.setValue('large_object_plan', largeObjectRanges);
        const steps = planLoadSteps(created.model, copySteps, tableBytes, largeObjectRanges);
        const rejectFile = (stepId: string) => openRejectFile(paths, stepId);
        const loadOptions = { jobs: plan.jobs, journal, snapshot: snapshot?.id, source: endpoints.source, target: endpoints.target, onEvent, lockWaitMs: plan.lockWaitSeconds * 1000 };
        warnings.push(...(await runLoad(steps, { ...loadOptions, rejectFile, targetRejects: plan.rejects === 'file' })));
      } finally {
        // Ends the snapshot and the session holding it: nothing after the load reads the source through it.
        await snapshot?.release();
      }
    });

    // 6. Schema after the data: triggers, policies, sequences, comments, owners and grants.
    const movesLargeObjects = endpoints.source.capabilities.largeObjects && endpoints.target.capabilities.largeObjects;
    const largeObjects = movesLargeObjects ? { largeObjects: () => endpoints.source.readLargeObjectMetadata() } : {};
    const postTarget = await endpoints.target.openLoadSession();
    try {
      warnings.push(
        ...(await phase('schema:post', () =>
          runSchemaPost(created.model, { journal, source: endpoints.source, target: postTarget, resolveRole: roles.resolve, onEvent, serverObjects, refused: preData.refused, ...largeObjects }),
        )),
      );
    } finally {
      await postTarget.close();
    }
    warnings.push(...collationVersionWarnings(await endpoints.source.columnCollationVersions(), await endpoints.target.columnCollationVersions()));

    // 7. Verify: prove the target equals the source (counts, checksums, schema, sequences).
    // Owners and grants are compared as the plan maps them: what migrate could not apply (a role the target refused)
    // was named in a warning and is a difference here too.
    const owners = plan.owners;
    const verifySettings = { jobs: plan.jobs, tables: [], exclude: [], countsOnly: false, maxDiffs: 10, owners, onEvent };
    const verification = plan.verify ? await runVerify(endpoints.source, endpoints.target, verifySettings) : null;
    if (verification) journal.setValue('verification', { differences: verification.differences });
    journal.finish();
    for (const warning of warnings) journal.record('warning', warning);
    return {
      status: 'migrated',
      preflight,
      resumed: journal.resuming,
      runDir: paths.dir,
      warnings,
      steps: journal.summary(),
      tables: journal.copiedTables(),
      notCovered: [...model.notCovered, ...(model.leftOut ?? [])],
      backup,
      verification,
    };
  } finally {
    journal.close();
  }
}

/** The run's backup: taken by a journaled step, or, when an earlier attempt took it, read back from its manifest. */
async function backupSource(
  plan: Plan,
  endpoints: RunEndpoints,
  journal: Journal,
  dir: string,
  preflight: PreflightFacts,
  onEvent: EventListener | undefined,
): Promise<{ dir: string; manifest: BackupManifest }> {
  let manifest: BackupManifest | undefined;
  await runJournaledStep(journal, { id: 'backup', phase: 'backup' }, async () => {
    manifest = await runBackup(endpoints.source, endpoints.target, preflight.source.inventory, {
      dir,
      backup: plan.backup,
      jobs: plan.jobs,
      lockWaitSeconds: plan.lockWaitSeconds,
      sourceUrl: plan.source,
      archives: endpoints.archives,
      ...(onEvent ? { onEvent } : {}),
    });
    return { bytes: manifest.files.reduce((n, f) => n + f.bytes, 0) };
  });
  // Taken by an earlier attempt of this run: it must still be there.
  manifest ??= await readManifest(dir).catch((error: unknown) => {
    throw new PgferryError('BACKUP_CORRUPT', `this run took its backup into ${dir}, but it cannot be read now: ${(error as Error).message}`, {
      hint: 'Put the backup back, or resume without it (--no-backup; the run then has no backup of the source).',
      cause: error,
    });
  });
  return { dir, manifest };
}

/** A test restore that failed or differs does not stop the migration (pgferry never writes to the source), but is said. */
function backupWarnings(backup: { dir: string; manifest: BackupManifest }): Finding[] {
  const check = backup.manifest.check.testRestore;
  if (check.status === 'failed') {
    return [{ code: 'BACKUP_TEST_RESTORE_FAILED', message: `the backup in ${backup.dir} did not restore into a scratch database: ${check.reason}`, hint: 'Take a backup you can restore before relying on this run (pgferry backup, or your own pg_dump), and fix what the restore names.' }];
  }
  if (check.status === 'different') {
    return [{ code: 'BACKUP_TEST_RESTORE_DIFFERS', message: `the backup in ${backup.dir}, restored into a scratch database, differs from the source in ${check.differences} place(s): ${check.differing.join('; ')}`, hint: 'Run pgferry backup --to <server> to see the differences; a source written to during the backup differs too.' }];
  }
  return [];
}

/** Reads, inside the snapshot, the key range of each table big enough to split. */
async function planCopy(preflight: PreflightFacts, snapshot: SourceSnapshot, chunkSizeMb: number | undefined, jobs: number): Promise<CopyStep[]> {
  const candidates = preflight.source.inventory.tables.map((t) => ({ schema: t.schema, name: t.name, bytes: t.dataBytes, holdsRows: t.kind !== 'partitioned' }));
  const chunkBytes = chunkSizeMb !== undefined ? chunkSizeMb * 1024 * 1024 : autoChunkBytes(candidates, jobs);
  const keys = new Map<string, ChunkKey | null>();
  for (const table of candidates.filter((t) => t.holdsRows && chunkBytes > 0 && t.bytes > chunkBytes)) {
    keys.set(tableId(table), await snapshot.chunkKey(table));
  }
  return planCopySteps(candidates, keys, chunkBytes);
}

/** Reads, inside the snapshot, every large object's size, and splits them into OID ranges copied as steps. */
async function planLargeObjects(endpoints: RunEndpoints, snapshot: SourceSnapshot, chunkSizeMb: number | undefined, jobs: number): Promise<LargeObjectRange[]> {
  if (!endpoints.source.capabilities.largeObjects || !endpoints.target.capabilities.largeObjects) return [];
  const sizes = await snapshot.largeObjectSizes();
  return planLargeObjectRanges(sizes, largeObjectRangeBytes(sizes, chunkSizeMb, jobs), objectsPerRange);
}

/**
 * The journal describes one target database. A target recreated at the same URL (a new container, a dropped and
 * recreated database) holds none of what the journal calls done, and its transaction ids mean other things.
 */
function refuseOtherTarget(journal: Journal, target: DatabaseFingerprint): void {
  const identity = `${target.cluster ?? 'unknown cluster'} / database ${target.database}`;
  const recorded = journal.value<string>('target_database');
  if (recorded === undefined) journal.setValue('target_database', identity);
  else if (recorded !== identity) {
    throw new PgferryError('RESUME_PLAN_CHANGED', `the unfinished run in this run directory wrote into another target database (${recorded}); this one is ${identity}`, {
      hint: 'The target was recreated or replaced since the run started. Delete the run directory (and empty the target) to start over.',
    });
  }
}
