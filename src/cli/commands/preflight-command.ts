/** `pgferry preflight`: reads both ends and says whether the move can go ahead. */
import { Command } from 'commander';
import { preflight } from '../../api/preflight.js';
import { renderPreflightText } from '../text/preflight-text.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { renderError } from '../render-error.js';

export function preflightCommand(output: CommandOutput): Command {
  const command = new Command('preflight')
    .description('inventory source and target and list what blocks the move (changes nothing)')
    .option('--estimate', 'use planner estimates instead of exact row counts (for huge databases)');
  addCommonOptions(command).action(async (flags: CommonFlags & { estimate?: boolean }) => {
    const progress = flags.json ? undefined : terminalProgress();
    const result = await preflight({
      ...planSourcesFromFlags(flags, flags.estimate ? { preflight: { estimateCounts: true } } : {}),
      onEvent: progress?.onEvent,
    });
    progress?.done();
    if (flags.json) {
      output.stdout(JSON.stringify(result, null, 2));
    } else if (result.status === 'failed') {
      output.stderr(renderError(result.error, flags.debug ?? false));
    } else {
      output.stdout(renderPreflightText(result));
    }
    output.setExitCode(result.status === 'ready' ? exitCodes.ok : result.status === 'blocked' ? exitCodes.blocked : exitCodes.error);
  });
  return command;
}
