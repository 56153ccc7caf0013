/**
 * A plan's hook: a shell command with a timeout, its output kept whole in a file and its end in the record. On
 * timeout its whole process group is killed, so a hook's children never outlive it.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { redactSecrets } from '../errors/redact.js';
import type { ShellHook, ShellHookRecord } from '../model/shell-hook.js';

const tailBytes = 2000;

/** Runs `hook` with `env` added to pgferry's environment; resolves with what happened (it never rejects on a failing command). */
export async function runShellHook(hook: ShellHook, env: Readonly<Record<string, string>>, outputFile: string): Promise<ShellHookRecord> {
  const startedAt = new Date();
  const output = createWriteStream(outputFile);
  let tail = '';
  const keep = (chunk: Buffer) => {
    output.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-tailBytes);
  };
  const result = await new Promise<{ exitCode: number | null; timedOut: boolean }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', hook.run], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, hook.timeoutSeconds * 1000);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => {
      keep(Buffer.from(`${error.message}\n`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: timedOut ? null : code, timedOut });
    });
  });
  await new Promise<void>((resolve) => output.end(resolve));
  return {
    name: hook.name,
    command: redactSecrets(hook.run),
    startedAt: startedAt.toISOString(),
    ms: Date.now() - startedAt.getTime(),
    ...result,
    outputTail: redactSecrets(tail.trim()),
  };
}
