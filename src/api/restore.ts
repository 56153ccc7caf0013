/** The public restore command: a pgferry backup (either kind) restored into an empty database and checked. Never throws. */
import { resolve } from 'node:path';
import { openEndpoint } from '../endpoints/open-endpoint.js';
import type { TargetEndpoint } from '../endpoints/endpoint.js';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import type { EventListener } from '../model/events.js';
import { restorePlanSchema } from '../plan/plan-schema.js';
import { resolvePlanWith, type PlanSources } from '../plan/resolve-plan.js';
import { runRestore, type RestoreFacts } from '../phases/restore.js';
import type { Failed } from './with-endpoints.js';

export interface RestoreOptions extends PlanSources {
  /** The backup directory (it holds manifest.json). */
  readonly backup: string;
  /** Owners and grants as backed up (default true; the roles must exist on the target). */
  readonly privileges?: boolean;
  readonly onEvent?: EventListener;
}

export type RestoreResult =
  | ({ readonly status: 'restored' | 'different'; readonly ms: number; readonly dir: string; readonly target: string } & RestoreFacts)
  | Failed;

/**
 * Restores a backup into the (empty) target and compares every table's row count with the manifest.
 *
 * @example
 * const result = await restore({ backup: 'pgferry-runs/backup-…', overrides: { target: 'postgres://app@new/app_restored' } });
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const started = Date.now();
  let target: TargetEndpoint | undefined;
  try {
    const plan = await resolvePlanWith(options, restorePlanSchema);
    if (!options.backup) throw new PgferryError('PLAN_INVALID', 'no backup directory was given', { hint: 'Run pgferry restore <backup dir> --to <url>.' });
    target = openEndpoint(plan.target, { connectTimeoutSeconds: plan.connectTimeoutSeconds, lockWaitSeconds: plan.lockWaitSeconds, env: options.env ?? process.env, role: 'target' });
    const dir = resolve(options.backup);
    const facts = await runRestore(dir, target, {
      privileges: options.privileges ?? true,
      jobs: plan.jobs,
      pgBinDir: plan.backup.pgBinDir,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    const status = facts.differences === 0 ? ('restored' as const) : ('different' as const);
    return Object.freeze({ status, ms: Date.now() - started, dir, target: target.display, ...facts });
  } catch (error) {
    return Object.freeze({ status: 'failed', ms: Date.now() - started, error: asPgferryError(error) });
  } finally {
    await target?.close();
  }
}
