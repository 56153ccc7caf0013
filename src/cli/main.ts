/** The pgferry command line: a thin shell that parses flags, calls the library and maps results to exit codes. */
import { Command, CommanderError } from 'commander';
import { asPgferryError } from '../errors/pgferry-error.js';
import { backupCommand } from './commands/backup-command.js';
import { pgferryVersion } from '../run/pgferry-version.js';
import { migrateCommand } from './commands/migrate-command.js';
import { restoreCommand } from './commands/restore-command.js';
import { preflightCommand } from './commands/preflight-command.js';
import { cutoverCommand } from './commands/cutover-command.js';
import { exportCommand } from './commands/export-command.js';
import { repairCommand } from './commands/repair-command.js';
import { inferCommand } from './commands/infer-command.js';
import { reportCommand } from './commands/report-command.js';
import { verifyCommand } from './commands/verify-command.js';
import { exitCodes } from './exit-codes.js';
import { processOutput, type CommandOutput } from './output.js';
import { renderError } from './render-error.js';

export function buildProgram(output: CommandOutput): Command {
  const streams = { writeOut: (s: string) => output.stdout(s.trimEnd()), writeErr: (s: string) => output.stderr(s.trimEnd()) };
  const program = new Command('pgferry')
    .description('Move a database into PostgreSQL and prove nothing was lost.')
    .version(pgferryVersion)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput(streams);
  for (const command of [preflightCommand(output), migrateCommand(output), verifyCommand(output), backupCommand(output), restoreCommand(output), reportCommand(output), inferCommand(output), exportCommand(output), repairCommand(output), cutoverCommand(output)]) {
    program.addCommand(command.exitOverride().configureOutput(streams).showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: string[], output: CommandOutput = processOutput()): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const captured: CommandOutput = { ...output, setExitCode: (code) => (exitCode = code) };
  try {
    await buildProgram(captured).parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.error;
    output.stderr(renderError(asPgferryError(error), argv.includes('--debug')));
    return exitCodes.error;
  }
}
