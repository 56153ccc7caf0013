/** `pgferry report <run-dir>`: renders report.md, report.html and report.json again from a run's log, also for a run that was killed. */
import { Command } from 'commander';
import { renderReport } from '../../api/report.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { renderError } from '../render-error.js';

export function reportCommand(output: CommandOutput): Command {
  return new Command('report')
    .description('render the report of a run again from its log (events.ndjson); a killed run shows where it stopped')
    .argument('<run-dir>', "a command's run directory (e.g. pgferry-runs/migrate-<pair>), or the --run-dir holding them")
    .option('--json', 'print the result as JSON')
    .option('--debug', 'show stack traces and causes of errors')
    .action((dir: string, flags: { json?: boolean; debug?: boolean }) => {
      const result = renderReport(dir);
      if (flags.json) output.stdout(JSON.stringify(result.status === 'failed' ? { status: 'failed', error: result.error } : result, null, 2));
      else if (result.status === 'failed') output.stderr(renderError(result.error, flags.debug ?? false));
      else {
        for (const run of result.runs) {
          const state = run.finished ? run.status : `${run.status}: the run did not finish`;
          output.stdout(`${run.command} (${state}): ${run.reports.html}, ${run.reports.markdown}, ${run.reports.json}`);
        }
      }
      output.setExitCode(result.status === 'failed' ? exitCodes.error : exitCodes.ok);
    });
}
