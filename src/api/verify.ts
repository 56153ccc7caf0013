/** The public verify command: are two databases equal, and if not, where exactly do they differ. Never throws. */
import { runVerify, type VerifyFacts } from '../phases/verify.js';
import type { PlanSources } from '../plan/resolve-plan.js';
import type { EventListener } from '../model/events.js';
import { commandPathsFor } from '../run/run-paths.js';
import { logStartedAt } from '../run/run-log.js';
import { runFacts } from './run-facts.js';
import { withEndpoints, type Failed } from './with-endpoints.js';
import { withRunRecord, type Recorded } from './with-run-record.js';

export interface VerifyOptions extends PlanSources {
  /** Glob patterns on "schema.table" to include (all when empty) and to exclude. */
  readonly tables?: readonly string[];
  readonly exclude?: readonly string[];
  /** Only exact row counts, no content digests. */
  readonly countsOnly?: boolean;
  /** Compare only this percentage of rows (chosen by key, the same rows on both sides). */
  readonly samplePercent?: number;
  /** How many differing rows to show per table (default 10). */
  readonly maxDiffs?: number;
  /** Hash rows in pgferry with the canonical row hash instead of on the servers (what a SQLite or JSON end needs). */
  readonly clientHash?: boolean;
  readonly onEvent?: EventListener;
}

export type VerifyResult = (
  | ({ readonly status: 'equal' | 'different'; readonly ms: number; readonly source: string; readonly target: string } & VerifyFacts)
  | Failed
) & Recorded;

/**
 * Compares source and target: exact counts, server-side content digests, schema, sequences. Each run writes its
 * reports in `<runDir>/verify-<pair>/` (`result.reports`), keeping the previous run's under dated names.
 *
 * @example
 * const result = await verify({ overrides: { source: 'postgres://app@old/app', target: 'postgres://app@new/app' } });
 * if (result.status === 'different') console.log(result.tables.filter((t) => t.content === 'different'));
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  return withRunRecord('verify', options.onEvent, (recorder) => compare(options, recorder.onEvent, (plan, endpoints) => {
    const paths = commandPathsFor(plan.runDir, 'verify', endpoints.source.identity, endpoints.target.identity);
    // Every verify is a run of its own: the one before is kept under the time it started.
    const earlier = logStartedAt(paths);
    recorder.begin({ paths, plan, source: endpoints.source.display, target: endpoints.target.display, ...(earlier ? { keepEarlierAs: earlier } : {}) });
  }), (result) => (result.status === 'failed' ? {} : runFacts({ verification: result })));
}

function compare(options: VerifyOptions, onEvent: EventListener, opened: Parameters<typeof withEndpoints>[2]) {
  return withEndpoints(options, async (plan, endpoints) => {
    const facts = await runVerify(endpoints.source, endpoints.target, {
      jobs: plan.jobs,
      tables: options.tables ?? [],
      exclude: options.exclude ?? [],
      countsOnly: options.countsOnly ?? false,
      samplePercent: options.samplePercent,
      maxDiffs: options.maxDiffs ?? 10,
      owners: plan.owners,
      ...(options.clientHash ? { clientHash: true } : {}),
      onEvent,
    });
    const status = facts.differences === 0 ? ('equal' as const) : ('different' as const);
    return { status, source: endpoints.source.display, target: endpoints.target.display, ...facts };
  }, opened);
}
