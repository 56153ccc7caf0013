/**
 * A plan's hook: a shell command with a timeout, its output kept (secrets masked) in a file and its end in the
 * record. On timeout its whole process group is killed, so a hook's children never outlive it.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { redactSecrets } from '../errors/redact.js';
import type { ShellHook, ShellHookRecord } from '../model/shell-hook.js';

const tailChars = 2000;
/** Output kept per hook; what a hook prints beyond it is counted, not kept. */
const keptBytes = 8 * 1024 * 1024;
/** After the hook itself exits, how long its pipes may stay open (a child it left running holds them). */
const pipeGraceMs = 2000;

/** Runs `hook` with `env` added to pgferry's environment; resolves with what happened (it never rejects on a failing command). */
export async function runShellHook(hook: ShellHook, env: Readonly<Record<string, string>>, outputFile: string): Promise<ShellHookRecord> {
  const startedAt = new Date();
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  const keep = (chunk: Buffer) => {
    if (kept + chunk.length <= keptBytes) {
      chunks.push(chunk);
      kept += chunk.length;
    } else dropped += chunk.length;
  };
  const result = await new Promise<{ exitCode: number | null; timedOut: boolean }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', hook.run], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, hook.timeoutSeconds * 1000);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => keep(Buffer.from(`${error.message}\n`)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      // A grandchild that left the group may keep the pipes open: stop reading them soon after the hook ended.
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ exitCode: timedOut ? null : code, timedOut });
      }, pipeGraceMs);
      child.once('close', () => {
        clearTimeout(grace);
        resolve({ exitCode: timedOut ? null : code, timedOut });
      });
    });
  });
  // The hook may print what it was given (a URL with its password, under `set -x`): masked before it is kept.
  const output = redactSecrets(Buffer.concat(chunks).toString('utf8')) + (dropped > 0 ? `\n[pgferry: ${dropped} more bytes of output not kept]\n` : '');
  await writeFile(outputFile, output, { mode: 0o600 });
  return {
    name: hook.name,
    command: redactSecrets(hook.run),
    startedAt: startedAt.toISOString(),
    ms: Date.now() - startedAt.getTime(),
    ...result,
    outputTail: output.trim().slice(-tailChars),
  };
}
