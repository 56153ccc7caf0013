/** Process exit codes; docs/CLI.md lists them. */
export const exitCodes = {
  /** Done: preflight ready, migrated, verified equal. */
  ok: 0,
  /** The command ran and found a reason to stop: preflight blockers (nothing written), or verify found differences. */
  blocked: 1,
  /** The command could not do its job: bad input, unreachable server, a bug. */
  error: 2,
  /** Interrupted by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;
