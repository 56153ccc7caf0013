/** Writes one bench run's results, with everything needed to judge them (settings, versions, every run), as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CriticalPathFloor } from './critical-path-floor.js';
import type { CopyOutcome } from './copy-rounds.js';
import type { ToolSummary } from './copy-summary.js';
import type { BenchOptions } from './options.js';
import type { ServerSettings } from './server-settings.js';
import type { Spread } from './stats.js';
import type { CheckSummary } from './verify-rounds.js';

export interface BenchResults {
  readonly startedAt: string;
  readonly options: BenchOptions;
  readonly dataset: { readonly variant: string; readonly tableBytes: number; readonly databaseBytes: number };
  readonly machine: { readonly cpus: number; readonly memoryBytes: number; readonly platform: string; readonly node: string };
  readonly servers: { readonly source: ServerSettings; readonly target: ServerSettings };
  readonly notRun: readonly { readonly tool: string; readonly reason: string }[];
  readonly copies: { readonly summary: readonly ToolSummary[]; readonly runs: readonly CopyOutcome[] };
  readonly floor: { readonly method: string; readonly perRound: readonly (CriticalPathFloor & { readonly round: number })[]; readonly pgferryOverFloor: Spread | null } | null;
  readonly checks: readonly CheckSummary[] | null;
}

/** Returns the file written. */
export function writeResultsFile(results: BenchResults): string {
  mkdirSync(results.options.outDir, { recursive: true });
  const file = join(results.options.outDir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
