/** `pgferry restore <backup> --to URL`: restore a pgferry backup into an empty database and check it against the manifest. */
import { Command } from 'commander';
import { restore } from '../../api/restore.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { renderError } from '../render-error.js';
import { reportLocation } from '../report-location.js';
import { watchRunRecord } from '../run-interruption.js';

interface RestoreFlags extends CommonFlags {
  privileges?: boolean;
  serverRoles?: boolean;
  pgBinDir?: string;
}

export function restoreCommand(output: CommandOutput): Command {
  const command = new Command('restore')
    .description('restore a pgferry backup (either kind) into an empty database; checks every file first and every table\'s rows after')
    .argument('<backup>', 'the backup directory (it holds manifest.json)')
    .option('--no-privileges', 'restore without owners and grants (everything owned by the connecting user)')
    .option('--server-roles', 'portable archives: also give roles their memberships and settings (ALTER ROLE … SET), which other databases on the server may share')
    .option('--pg-bin-dir <dir>', 'where pg_restore is (searched before PATH)');
  addCommonOptions(command).action(async (backupDir: string, flags: RestoreFlags) => {
    const progress = flags.json ? undefined : terminalProgress();
    const sources = planSourcesFromFlags(flags);
    const result = await restore({
      ...sources,
      overrides: { ...sources.overrides, ...(flags.pgBinDir ? { backup: { pgBinDir: flags.pgBinDir } } : {}) },
      backup: backupDir,
      privileges: flags.privileges ?? true,
      serverRoles: flags.serverRoles ?? false,
      onEvent: watchRunRecord(progress?.onEvent),
    });
    progress?.done();
    if (flags.json) output.stdout(JSON.stringify(result.status === 'failed' ? { ...result, error: { code: result.error.code, message: result.error.message, hint: result.error.hint } } : result, null, 2));
    else if (result.status === 'failed') output.stderr([renderError(result.error, flags.debug ?? false), reportLocation(result)].filter(Boolean).join('\n'));
    else {
      const differing = result.tables.filter((t) => t.expected !== t.restored);
      output.stdout(
        [
          `restored ${result.dir} (${result.manifest.kind}) into ${result.target}: ${result.tables.length} tables, ${result.tables.reduce((n, t) => n + (t.restored ?? 0), 0)} rows${result.manifest.largeObjects ? `, ${result.manifest.largeObjects.count} large objects` : ''}`,
          ...(result.largeObjects ? [`large objects: ${result.largeObjects.restored} restored, the manifest lists ${result.largeObjects.expected}`] : []),
          ...(differing.length === 0
            ? ['every table holds the rows the manifest lists']
            : differing.map((t) => `  ${t.table}: manifest ${t.expected} rows, restored ${t.restored ?? 'table missing'}`)),
          reportLocation(result),
        ].filter(Boolean).join('\n'),
      );
    }
    output.setExitCode(result.status === 'restored' ? exitCodes.ok : result.status === 'different' ? exitCodes.blocked : exitCodes.error);
  });
  return command;
}
