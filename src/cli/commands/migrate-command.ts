/** `pgferry migrate`: preflight, then schema, data, indexes, constraints and sequences; resumable. */
import { Command } from 'commander';
import { migrateJson, plansJsonSource } from '../../api/json-runs.js';
import { migrate } from '../../api/migrate.js';
import { renderJsonMigrateText } from '../text/json-run-text.js';
import { reportJsonRun } from './json-run-output.js';
import { keptOut } from '../text/verify-text.js';
import { renderMigrateText } from '../text/migrate-text.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { renderError } from '../render-error.js';
import { reportLocation } from '../report-location.js';
import { watchRunRecord } from '../run-interruption.js';

interface MigrateFlags extends CommonFlags {
  resume?: boolean;
  chunkSizeMb?: string;
  verify?: boolean;
  recopyChanged?: boolean;
  backup?: boolean;
  schemaOnly?: boolean;
}

export function migrateCommand(output: CommandOutput): Command {
  const command = new Command('migrate')
    .description('copy schema and data from source to target in one resumable run')
    .option('--resume', 'continue the unfinished run of this source and target, never start a new one (re-running without it resumes too)')
    .option('--recopy-changed', 'when resuming, copy again the tables the source changed since the copy started (default: refuse with SOURCE_CHANGED)')
    .option('--no-verify', 'skip the verification at the end (counts, checksums, schema, sequences)')
    .option('--schema-only', 'JSON source: create the tables of the plan\'s json mapping only, copy no record (before the dual-write store\'s first phase)')
    .option('--no-backup', 'skip the backup of the source taken before anything is written (backup.enabled: false)')
    .option('--chunk-size-mb <mb>', 'split tables larger than this into key ranges copied in parallel (default: half of one job\'s share of the data, at least 64; 0 never splits)');
  addCommonOptions(command).action(async (flags: MigrateFlags) => {
    const progress = flags.json ? undefined : terminalProgress();
    const sources = planSourcesFromFlags(flags, { ...(flags.verify === false ? { verify: false } : {}) });
    if (await plansJsonSource(sources)) {
      const result = await migrateJson({ ...sources, schemaOnly: flags.schemaOnly ?? false, onEvent: watchRunRecord(flags.json ? undefined : progress?.onEvent) });
      progress?.done();
      reportJsonRun(output, flags, result, (r) => renderJsonMigrateText(r));
      const rejected = result.status === 'migrated' && result.collections.some((c) => c.rejected > 0);
      const differences = result.status === 'migrated' && (result.verification?.differences ?? 0) > 0;
      output.setExitCode(result.status === 'failed' ? exitCodes.error : differences ? exitCodes.blocked : rejected ? exitCodes.setAside : exitCodes.ok);
      return;
    }
    if (flags.schemaOnly) {
      output.stderr('error [PLAN_INVALID]: --schema-only is for a JSON source (--from json://DIR); a PostgreSQL or SQLite migrate copies schema and data in one run');
      output.setExitCode(exitCodes.error);
      return;
    }
    const result = await migrate({
      ...planSourcesFromFlags(flags, {
        ...(flags.chunkSizeMb !== undefined ? { chunkSizeMb: flags.chunkSizeMb } : {}),
        ...(flags.verify === false ? { verify: false } : {}),
        ...(flags.backup === false ? { backup: { enabled: false } } : {}),
        ...(flags.recopyChanged ? { sourceChanged: 'recopy' as const } : {}),
      }),
      resume: flags.resume ?? false,
      onEvent: watchRunRecord(flags.json ? (event) => output.stdout(JSON.stringify(event)) : progress?.onEvent),
    });
    progress?.done();
    if (flags.json) {
      output.stdout(JSON.stringify({ type: 'result', ...result, error: result.status === 'failed' ? { code: result.error.code, message: result.error.message, hint: result.error.hint } : undefined }));
    } else if (result.status === 'failed') {
      output.stderr(renderError(result.error, flags.debug ?? false));
      const where = reportLocation(result);
      if (where) output.stderr(where);
    } else {
      output.stdout(renderMigrateText(result));
      const where = reportLocation(result);
      if (where) output.stdout(where);
    }
    const verifiedEqual = result.status === 'migrated' && (result.verification?.differences ?? 0) === 0;
    // Rows left out or values made NULL (the reject files) are never an exit 0, verified or not.
    const setAside = result.status === 'migrated' && ((result.verification ? keptOut(result.verification) : false) || result.warnings.some((w) => w.code === 'ROWS_REJECTED' || w.code === 'VALUES_NULLED'));
    output.setExitCode(verifiedEqual ? (setAside ? exitCodes.setAside : exitCodes.ok) : result.status === 'failed' ? exitCodes.error : exitCodes.blocked);
  });
  return command;
}
