/** `pgferry verify`: exit 0 when source and target are equal, 1 when they differ, 2 when they cannot be compared. */
import { Command } from 'commander';
import { plansJsonSource, verifyJsonSource } from '../../api/json-runs.js';
import { verify } from '../../api/verify.js';
import { renderJsonVerifyText } from '../text/json-run-text.js';
import { reportJsonRun } from './json-run-output.js';
import { keptOut, renderVerifyText } from '../text/verify-text.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { renderError } from '../render-error.js';
import { reportLocation } from '../report-location.js';
import { watchRunRecord } from '../run-interruption.js';

interface VerifyFlags extends CommonFlags {
  tables?: string;
  exclude?: string;
  sample?: string;
  countsOnly?: boolean;
  maxDiffs?: string;
}

const list = (value: string | undefined) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : []);

export function verifyCommand(output: CommandOutput): Command {
  const command = new Command('verify')
    .description('prove the target equals the source: counts, checksums, schema, sequences (changes nothing)')
    .option('--tables <patterns>', 'only these tables: comma-separated globs on schema.table (app.*,public.users)')
    .option('--exclude <patterns>', 'leave out these tables (globs on schema.table)')
    .option('--sample <percent>', 'compare only this percentage of rows, chosen by key (the same rows on both sides)')
    .option('--counts-only', 'exact row counts only, no content checksums')
    .option('--max-diffs <n>', 'differing rows to show per table (default 10)');
  addCommonOptions(command).action(async (flags: VerifyFlags) => {
    const progress = flags.json ? undefined : terminalProgress();
    const sample = flags.sample !== undefined ? Number(flags.sample) : undefined;
    const maxDiffs = flags.maxDiffs !== undefined ? Number(flags.maxDiffs) : undefined;
    const bad = (sample !== undefined && !(sample > 0 && sample <= 100) && '--sample must be a percentage above 0 and at most 100') ||
      (maxDiffs !== undefined && !(Number.isInteger(maxDiffs) && maxDiffs >= 0) && '--max-diffs must be a whole number');
    if (bad) {
      output.stderr(`error [PLAN_INVALID]: ${bad}`);
      output.setExitCode(exitCodes.error);
      return;
    }
    if (await plansJsonSource(planSourcesFromFlags(flags))) {
      const result = await verifyJsonSource({ ...planSourcesFromFlags(flags), ...(maxDiffs !== undefined ? { maxDiffs } : {}), onEvent: watchRunRecord(progress?.onEvent) });
      progress?.done();
      reportJsonRun(output, flags, result, (r) => renderJsonVerifyText(r));
      output.setExitCode(result.status === 'failed' ? exitCodes.error : result.status === 'different' ? exitCodes.blocked : result.setAside > 0 ? exitCodes.setAside : exitCodes.ok);
      return;
    }
    const result = await verify({
      ...planSourcesFromFlags(flags),
      tables: list(flags.tables),
      exclude: list(flags.exclude),
      countsOnly: flags.countsOnly ?? false,
      samplePercent: sample,
      maxDiffs,
      onEvent: watchRunRecord(progress?.onEvent),
    });
    progress?.done();
    if (flags.json) output.stdout(JSON.stringify(result, null, 2));
    else if (result.status === 'failed') output.stderr([renderError(result.error, flags.debug ?? false), reportLocation(result)].filter(Boolean).join('\n'));
    else output.stdout([renderVerifyText(result), reportLocation(result)].filter(Boolean).join('\n'));
    const equal = result.status === 'equal' ? (keptOut(result) ? exitCodes.setAside : exitCodes.ok) : undefined;
    output.setExitCode(equal ?? (result.status === 'different' ? exitCodes.blocked : exitCodes.error));
  });
  return command;
}
