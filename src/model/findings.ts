/** A finding of preflight: a blocker stops the run, a warning is shown and recorded. */
export interface Finding {
  /** Stable identifier, e.g. "TARGET_OLDER_THAN_SOURCE"; listed in docs/PREFLIGHT.md. */
  readonly code: string;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}
