/** `pgferry repair`: replays the dual-write store's failed secondary writes from the store that has them right. */
import { Command } from 'commander';
import { repairJson } from '../../api/json-runs.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { renderError } from '../render-error.js';

interface RepairFlags extends CommonFlags {
  log: string;
}

export function repairCommand(output: CommandOutput): Command {
  const command = new Command('repair')
    .description("copy again every record the dual-write store's failed-write log names (--from json://DIR --to postgres://…, with the plan's json mapping)")
    .requiredOption('--log <file>', 'the failed-write log the application writes (failedWritesLog)');
  addCommonOptions(command).action(async (flags: RepairFlags) => {
    const result = await repairJson({ ...planSourcesFromFlags(flags), log: flags.log });
    if (flags.json) output.stdout(JSON.stringify(result.status === 'failed' ? { ...result, error: { code: result.error.code, message: result.error.message, hint: result.error.hint } } : result, null, 2));
    else if (result.status === 'failed') output.stderr(renderError(result.error, flags.debug ?? false));
    else {
      const lines = [`pgferry repair: ${result.entries} logged failure(s) naming ${result.records} record(s); ${result.repaired} repaired`];
      for (const f of result.failed) lines.push(`  not repaired: ${f.collection} ${JSON.stringify(f.key)} (${f.store}): ${f.error}`);
      lines.push(result.status === 'repaired' ? 'REPAIRED: both stores hold every logged record alike' : `INCOMPLETE: ${result.failed.length} record(s) are back in ${flags.log}; run repair again when the cause is fixed`);
      output.stdout(lines.join('\n'));
    }
    output.setExitCode(result.status === 'failed' ? exitCodes.error : result.status === 'incomplete' ? exitCodes.blocked : exitCodes.ok);
  });
  return command;
}
