/** `pgferry cutover --dry-run`: prints every step and hook of the plan's cutover, and its rollback, running nothing. */
import { Command } from 'commander';
import { planCutover } from '../../api/cutover.js';
import { PgferryError } from '../../errors/pgferry-error.js';
import { redactSecrets } from '../../errors/redact.js';
import type { CutoverStep } from '../../model/cutover-steps.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { renderError } from '../render-error.js';

interface CutoverFlags extends CommonFlags {
  dryRun?: boolean;
}

function stepLines(steps: readonly CutoverStep[]): string[] {
  return steps.flatMap((step, i) => [
    `  ${i + 1}. ${step.name}: ${step.does}${step.timeoutSeconds !== undefined ? ` (timeout ${step.timeoutSeconds}s)` : ''}`,
    ...(step.run ? [`       run: ${redactSecrets(step.run)}`] : []),
    ...(step.url ? [`       url: ${redactSecrets(step.url)}`] : []),
    ...(step.env ? [`       with ${Object.entries(step.env).map(([k, v]) => `${k}=${redactSecrets(v)}`).join(' ')}`] : []),
  ]);
}

export function cutoverCommand(output: CommandOutput): Command {
  const command = new Command('cutover')
    .description("the last minutes of a move: fence, final copy and verify, switch, start, health — with automatic rollback (this version: --dry-run prints the plan's steps)")
    .option('--dry-run', 'print every step and hook, and the rollback, without running anything');
  addCommonOptions(command).action(async (flags: CutoverFlags) => {
    if (!flags.dryRun) {
      output.stderr(renderError(new PgferryError('NOT_AVAILABLE', 'this version plans a cutover but does not run one yet', { hint: 'Run pgferry cutover --dry-run to see the steps your plan makes; docs/CUTOVER.md says what is built.' }), false));
      output.setExitCode(exitCodes.error);
      return;
    }
    const result = await planCutover(planSourcesFromFlags(flags));
    if (result.status === 'failed') {
      output.stderr(renderError(result.error, flags.debug ?? false));
      output.setExitCode(exitCodes.error);
      return;
    }
    if (flags.json) output.stdout(redactSecrets(JSON.stringify(result, null, 2)));
    else {
      output.stdout(
        [
          `pgferry cutover (dry run): ${redactSecrets(result.source)} → ${redactSecrets(result.target)}`,
          '',
          'Steps, in order (the write stop runs from the fence until health answers):',
          ...stepLines(result.steps),
          '',
          'If a step after the fence fails, the rollback:',
          ...stepLines(result.rollback),
          '',
          'DRY RUN: nothing was run.',
        ].join('\n'),
      );
    }
    output.setExitCode(exitCodes.ok);
  });
  return command;
}
