/** Flags every command that reads a plan shares, and their mapping onto plan settings. */
import { Option, type Command } from 'commander';
import { ifTargetNotEmptyChoices, sqliteValuePolicies } from '../plan/plan-schema.js';
import type { PlanOverrides, PlanSources } from '../plan/resolve-plan.js';

export interface CommonFlags {
  from?: string;
  to?: string;
  plan?: string;
  runDir?: string;
  jobs?: string;
  connectTimeout?: string;
  lockWait?: string;
  ifTargetNotEmpty?: string;
  sqliteValues?: string;
  json?: boolean;
  debug?: boolean;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option('--from <url>', 'source database URL (postgres://user@host:5432/db); env PGFERRY_FROM')
    .option('--to <url>', 'target database URL; env PGFERRY_TO')
    .option('--plan <file>', 'YAML plan file (flags override its settings)')
    .option('--run-dir <dir>', 'directory for the run journal and backups (default ./pgferry-runs)')
    .option('--jobs <n>', 'parallel sessions (default 2)')
    .option('--connect-timeout <seconds>', 'how long to wait for a server to answer (default 10)')
    .option('--lock-wait <seconds>', 'how long to wait for a table another session keeps locked, then fail with TABLE_LOCKED (default 60)')
    .addOption(new Option('--if-target-not-empty <choice>', 'what to do with a target that holds objects').choices([...ifTargetNotEmptyChoices]))
    .addOption(
      new Option('--sqlite-values <policy>', 'a SQLite source: a value its column\'s type does not take goes to the reject file (reject, default), becomes NULL, widens the column\'s type, or fails the table').choices([
        ...sqliteValuePolicies,
      ]),
    )
    .option('--json', 'print one JSON document instead of text')
    .option('--debug', 'print stack traces and causes of errors');
}

/** Flags become the highest-precedence layer of the plan. */
export function planSourcesFromFlags(flags: CommonFlags, overrides: PlanOverrides = {}): PlanSources {
  return {
    planFile: flags.plan,
    overrides: {
      source: flags.from,
      target: flags.to,
      runDir: flags.runDir,
      jobs: flags.jobs,
      connectTimeoutSeconds: flags.connectTimeout,
      lockWaitSeconds: flags.lockWait,
      ifTargetNotEmpty: flags.ifTargetNotEmpty as PlanOverrides['ifTargetNotEmpty'],
      ...(flags.sqliteValues ? { sqlite: { values: flags.sqliteValues as NonNullable<PlanOverrides['sqlite']>['values'] } } : {}),
      ...overrides,
    },
  };
}
