/** Process exit codes; docs/CLI.md lists them. */
export const exitCodes = {
  /** Done: preflight ready, migrated, verified equal. */
  ok: 0,
  /** The command ran and found a reason to stop: preflight blockers (nothing written), or verify found differences. */
  blocked: 1,
  /** The command could not do its job: bad input, unreachable server, a bug. */
  error: 2,
  /**
   * Done and equal, except what a source's value policy kept from the target (rows in the reject file, values made
   * NULL): counted and listed, never silent.
   */
  setAside: 3,
  /** Interrupted by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;
