/** A plan's hook (a shell command with a timeout) and the record of one run of it, for manifests and reports. */
export interface ShellHook {
  readonly name: string;
  readonly run: string;
  readonly timeoutSeconds: number;
}

export interface ShellHookRecord {
  readonly name: string;
  /** The command with secrets masked. */
  readonly command: string;
  readonly startedAt: string;
  readonly ms: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly outputTail: string;
}
