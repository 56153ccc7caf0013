/** The public backup command: the source backed up, listed, test-restored and described in a manifest. Never throws. */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openEndpoint, portableArchives } from '../endpoints/open-endpoint.js';
import type { SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import type { BackupManifest } from '../model/backup-manifest.js';
import type { EventListener } from '../model/events.js';
import { backupPlanSchema } from '../plan/plan-schema.js';
import { resolvePlanWith, type PlanSources } from '../plan/resolve-plan.js';
import { runBackup } from '../phases/backup.js';
import type { Failed } from './with-endpoints.js';
import { endpointOptions } from '../run/open-run-endpoints.js';
import { recordPathsIn } from '../run/run-paths.js';
import { withRunRecord, type Recorded, type RunRecorder } from './with-run-record.js';

export interface BackupOptions extends PlanSources {
  /** The run's directory (new or empty): the backup goes into its backup/, the reports beside it; default <runDir>/backup-<time>. */
  readonly out?: string;
  readonly onEvent?: EventListener;
}

type BackupOutcome = { readonly status: 'backed-up' | 'different'; readonly ms: number; readonly dir: string; readonly manifest: BackupManifest } | Failed;
export type BackupResult = BackupOutcome & Recorded;

/**
 * Backs up the source; with a target URL, the backup is also restored into a scratch database on that server
 * and verified (status "different" when the restored copy differs from the source or does not restore).
 *
 * @example
 * const result = await backup({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/postgres' } });
 * if (result.status === 'backed-up') console.log(result.dir, result.manifest.check);
 */
export async function backup(options: BackupOptions): Promise<BackupResult> {
  return withRunRecord('backup', options.onEvent, (recorder) => backupRecorded(options, recorder), (result) =>
    result.status === 'failed' ? {} : { backup: { dir: result.dir, manifest: result.manifest } },
  );
}

/** The run directory (--out, or <runDir>/backup-<time>) holds the run's log and reports, and the backup in backup/. */
async function backupRecorded(options: BackupOptions, recorder: RunRecorder): Promise<BackupOutcome> {
  const started = Date.now();
  let source: SourceEndpoint | undefined;
  let target: TargetEndpoint | undefined;
  try {
    const plan = await resolvePlanWith(options, backupPlanSchema);
    source = openEndpoint(plan.source, endpointOptions(plan, 'source', options.env));
    target = plan.target ? openEndpoint(plan.target, endpointOptions(plan, 'target', options.env)) : undefined;
    const runDir = resolve(options.out ?? join(plan.runDir, `backup-${new Date(started).toISOString().replace(/[:.]/g, '-')}`));
    await refuseNonEmptyDir(runDir);
    recorder.begin({ paths: recordPathsIn(runDir), plan, source: source.display, target: target?.display ?? null });
    const dir = join(runDir, 'backup');
    const inventory = await source.inventorySource({ estimateCounts: true, jobs: 1 });
    const manifest = await runBackup(source, target, inventory, {
      dir,
      backup: plan.backup,
      jobs: plan.jobs,
      lockWaitSeconds: plan.lockWaitSeconds,
      sourceUrl: plan.source,
      archives: portableArchives,
      onEvent: recorder.onEvent,
    });
    const failedCheck = ['different', 'failed'].includes(manifest.check.testRestore.status);
    const status = failedCheck ? ('different' as const) : ('backed-up' as const);
    return Object.freeze({ status, ms: Date.now() - started, dir, manifest });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await Promise.all([source?.close(), target?.close()]);
  }
}

/** A backup never mixes with other files: the directory must be new or empty. */
async function refuseNonEmptyDir(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (found && !found.isDirectory()) {
    throw new PgferryError('BACKUP_FAILED', `${dir} is a file, not a directory`, { hint: 'Give --out a new or empty directory.' });
  }
  const entries = found ? await readdir(dir) : [];
  if (entries.length > 0) {
    throw new PgferryError('BACKUP_FAILED', `${dir} is not empty; a backup goes into a new or empty directory`, {
      hint: 'Give another --out, or leave it out to write a new directory under --run-dir.',
    });
  }
}
