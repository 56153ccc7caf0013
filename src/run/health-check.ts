/**
 * A cutover's health check: an HTTP URL polled until it answers 2xx, or a command run again until it exits 0, each
 * within the step's timeout. Resolves with what happened; never rejects on an unhealthy answer.
 */
import { join } from 'node:path';
import { redactSecrets } from '../errors/redact.js';
import { runShellHook } from './shell-hook.js';

export type HealthCheck = { readonly url: string } | { readonly run: string };

export interface HealthOutcome {
  readonly healthy: boolean;
  readonly ms: number;
  readonly attempts: number;
  /** The last answer: an HTTP status, a command's exit, or why nothing answered. */
  readonly last: string;
}

const pollEveryMs = 500;
/** One request waits at most this long (a server that accepts and never answers). */
const requestLimitMs = 5000;

async function askUrl(url: string, limitMs: number): Promise<{ ok: boolean; last: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, Math.min(requestLimitMs, limitMs))), redirect: 'follow' });
    await response.body?.cancel().catch(() => undefined);
    return { ok: response.status >= 200 && response.status < 300, last: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, last: cause ?? (error as Error).name ?? String(error) };
  }
}

/** Polls `check` until it is healthy or `timeoutSeconds` have passed; a command's output goes to files in `outputDir`. */
export async function waitHealthy(check: HealthCheck, timeoutSeconds: number, env: Readonly<Record<string, string>>, outputDir: string): Promise<HealthOutcome> {
  const started = Date.now();
  const deadline = started + timeoutSeconds * 1000;
  let attempts = 0;
  let last = 'not asked';
  for (;;) {
    attempts += 1;
    const left = deadline - Date.now();
    if ('url' in check) {
      const answer = await askUrl(check.url, left);
      last = answer.last;
      if (answer.ok) return { healthy: true, ms: Date.now() - started, attempts, last };
    } else {
      const record = await runShellHook({ name: 'health', run: check.run, timeoutSeconds: Math.max(1, Math.ceil(left / 1000)) }, env, join(outputDir, `health-${attempts}.log`));
      last = record.timedOut ? 'timed out' : `exit ${record.exitCode}${record.outputTail ? `: ${record.outputTail.split('\n').pop()}` : ''}`;
      if (record.exitCode === 0) return { healthy: true, ms: Date.now() - started, attempts, last };
    }
    if (Date.now() + pollEveryMs >= deadline) return { healthy: false, ms: Date.now() - started, attempts, last: redactSecrets(last) };
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
  }
}
