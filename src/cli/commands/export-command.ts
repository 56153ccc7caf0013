/** `pgferry export`: PostgreSQL back to a JSON source's files, in their original shape (the rollback of a JSON move). */
import { Command } from 'commander';
import { exportJsonFiles } from '../../api/json-runs.js';
import { renderJsonExportText } from '../text/json-run-text.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { watchRunRecord } from '../run-interruption.js';
import { reportJsonRun } from './json-run-output.js';

interface ExportFlags extends CommonFlags {
  overwrite?: boolean;
}

export function exportCommand(output: CommandOutput): Command {
  const command = new Command('export')
    .description("write PostgreSQL's records back to JSON collection files (--from postgres://… --to json://DIR, with the plan's json mapping)")
    .option('--overwrite', 'replace collection files that exist in the target directory (each atomically)');
  addCommonOptions(command).action(async (flags: ExportFlags) => {
    const progress = flags.json ? undefined : terminalProgress();
    const result = await exportJsonFiles({ ...planSourcesFromFlags(flags), overwrite: flags.overwrite ?? false, onEvent: watchRunRecord(progress?.onEvent) });
    progress?.done();
    reportJsonRun(output, flags, result, (r) => renderJsonExportText(r));
    output.setExitCode(result.status === 'failed' ? exitCodes.error : exitCodes.ok);
  });
  return command;
}
