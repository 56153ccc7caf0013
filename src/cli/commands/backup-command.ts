/** `pgferry backup`: back up the source, check the backup, write its manifest; exit 1 when the test restore differs. */
import { Command, Option } from 'commander';
import { backup } from '../../api/backup.js';
import { renderManifestText } from '../../model/manifest-text.js';
import { addCommonOptions, planSourcesFromFlags, type CommonFlags } from '../common-options.js';
import { exitCodes } from '../exit-codes.js';
import type { CommandOutput } from '../output.js';
import { terminalProgress } from '../progress.js';
import { renderError } from '../render-error.js';
import { reportLocation } from '../report-location.js';
import { watchRunRecord } from '../run-interruption.js';

interface BackupFlags extends CommonFlags {
  out?: string;
  format?: 'auto' | 'pg_dump' | 'portable';
  testRestore?: 'auto' | 'always' | 'never';
  pgBinDir?: string;
}

export function backupCommand(output: CommandOutput): Command {
  const command = new Command('backup')
    .description('back up the source (pg_dump custom archive, or pgferry\'s portable archive), list it, test-restore it into a scratch database on --to\'s server, and write a manifest')
    .option('--out <dir>', 'a new or empty directory for the backup (default <run dir>/backup-<time>)')
    .addOption(new Option('--format <format>', 'archive kind (auto: pg_dump when one of the source\'s major or newer is installed)').choices(['auto', 'pg_dump', 'portable']))
    .addOption(new Option('--test-restore <when>', 'restore into a scratch database and verify (auto: when the data is at most backup.testRestoreMaxMb)').choices(['auto', 'always', 'never']))
    .option('--pg-bin-dir <dir>', 'where pg_dump, pg_dumpall and pg_restore are (searched before PATH)');
  addCommonOptions(command).action(async (flags: BackupFlags) => {
    const progress = flags.json ? undefined : terminalProgress();
    const sources = planSourcesFromFlags(flags);
    const backupSettings = {
      ...(flags.format ? { format: flags.format } : {}),
      ...(flags.testRestore ? { testRestore: flags.testRestore } : {}),
      ...(flags.pgBinDir ? { pgBinDir: flags.pgBinDir } : {}),
    };
    const result = await backup({
      ...sources,
      overrides: { ...sources.overrides, ...(Object.keys(backupSettings).length > 0 ? { backup: backupSettings } : {}) },
      ...(flags.out ? { out: flags.out } : {}),
      onEvent: watchRunRecord(progress?.onEvent),
    });
    progress?.done();
    if (flags.json) output.stdout(JSON.stringify(result.status === 'failed' ? { ...result, error: { code: result.error.code, message: result.error.message, hint: result.error.hint } } : result, null, 2));
    else if (result.status === 'failed') output.stderr([renderError(result.error, flags.debug ?? false), reportLocation(result)].filter(Boolean).join('\n'));
    else output.stdout([`backup written to ${result.dir}\n`, renderManifestText(result.manifest), reportLocation(result)].filter(Boolean).join('\n'));
    output.setExitCode(result.status === 'backed-up' ? exitCodes.ok : result.status === 'different' ? exitCodes.blocked : exitCodes.error);
  });
  return command;
}
