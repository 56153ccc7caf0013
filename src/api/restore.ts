/** The public restore command: a pgferry backup (either kind) restored into an empty database and checked. Never throws. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manifestFileName } from '../model/backup-manifest.js';
import { endpointOptions } from '../run/open-run-endpoints.js';
import { commandPathsFor } from '../run/run-paths.js';
import { withRunRecord, type Recorded, type RunRecorder } from './with-run-record.js';
import { openEndpoint, portableArchives } from '../endpoints/open-endpoint.js';
import type { TargetEndpoint } from '../endpoints/endpoint.js';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import type { EventListener } from '../model/events.js';
import { restorePlanSchema } from '../plan/plan-schema.js';
import { resolvePlanWith, type PlanSources } from '../plan/resolve-plan.js';
import { runRestore, type RestoreFacts } from '../phases/restore.js';
import type { Failed } from './with-endpoints.js';

export interface RestoreOptions extends PlanSources {
  /** The backup directory (it holds manifest.json), or the run directory of the run that took it. */
  readonly backup: string;
  /** Owners and grants as backed up (default true; the roles must exist on the target). */
  readonly privileges?: boolean;
  /** Portable archives: also give roles their memberships and settings, which other databases on the server may share (default false). */
  readonly serverRoles?: boolean;
  readonly onEvent?: EventListener;
}

type RestoreOutcome = ({ readonly status: 'restored' | 'different'; readonly ms: number; readonly dir: string; readonly target: string } & RestoreFacts) | Failed;
export type RestoreResult = RestoreOutcome & Recorded;

/**
 * Restores a backup into the (empty) target and compares every table's row count with the manifest.
 *
 * @example
 * const result = await restore({ backup: 'pgferry-runs/backup-…', overrides: { target: 'postgres://app@new/app_restored' } });
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  return withRunRecord('restore', options.onEvent, (recorder) => restoreRecorded(options, recorder), (result) =>
    result.status === 'failed'
      ? {}
      : { backup: { dir: result.dir, manifest: result.manifest }, restore: { backupDir: result.dir, tables: result.tables, largeObjects: result.largeObjects, differences: result.differences } },
  );
}

/** The run's log and reports go to <runDir>/restore-<pair of backup and target>. */
async function restoreRecorded(options: RestoreOptions, recorder: RunRecorder): Promise<RestoreOutcome> {
  const started = Date.now();
  let target: TargetEndpoint | undefined;
  try {
    const plan = await resolvePlanWith(options, restorePlanSchema);
    if (!options.backup) throw new PgferryError('PLAN_INVALID', 'no backup directory was given', { hint: 'Run pgferry restore <backup dir> --to <url>.' });
    target = openEndpoint(plan.target, endpointOptions(plan, 'target', options.env));
    const dir = backupDirIn(resolve(options.backup));
    recorder.begin({ paths: commandPathsFor(plan.runDir, 'restore', dir, target.identity), plan: { ...plan, restoreFrom: dir }, source: dir, target: target.display });
    const facts = await runRestore(dir, target, {
      privileges: options.privileges ?? true,
      serverRoles: options.serverRoles ?? false,
      jobs: plan.jobs,
      pgBinDir: plan.backup.pgBinDir,
      archives: portableArchives,
      onEvent: recorder.onEvent,
    });
    const status = facts.differences === 0 ? ('restored' as const) : ('different' as const);
    return Object.freeze({ status, ms: Date.now() - started, dir, target: target.display, ...facts });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await target?.close();
  }
}

/** The backup itself, or the run directory of a backup or migrate run holding it in backup/. */
function backupDirIn(dir: string): string {
  return !existsSync(join(dir, manifestFileName)) && existsSync(join(dir, 'backup', manifestFileName)) ? join(dir, 'backup') : dir;
}
