/**
 * PostgreSQL's own client tools (pg_dump, pg_dumpall, pg_restore): found where installs put them, run with the
 * connection in PG* environment variables (never a password on a command line), their errors kept for messages.
 */
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PgferryError } from '../../errors/pgferry-error.js';
import { redactSecrets } from '../../errors/redact.js';

export interface PgTools {
  readonly dir: string;
  /** e.g. "15.14" */
  readonly version: string;
  readonly major: number;
  readonly pgDump: string;
  readonly pgDumpall: string;
  readonly pgRestore: string;
}

/** Where tools are looked for, in order: the configured directory, PATH, Debian's and RHEL's per-major directories. */
async function candidateDirs(binDir: string | undefined, env: NodeJS.ProcessEnv): Promise<string[]> {
  const perMajor = async (root: string, name: (entry: string) => string | undefined) => {
    const entries = await readdir(root).catch(() => [] as string[]);
    return entries.flatMap((e) => name(e) ?? []);
  };
  return [
    ...(binDir ? [binDir] : []),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
    ...(await perMajor('/usr/lib/postgresql', (e) => (/^\d+$/.test(e) ? join('/usr/lib/postgresql', e, 'bin') : undefined))),
    ...(await perMajor('/usr', (e) => (/^pgsql-\d+$/.test(e) ? join('/usr', e, 'bin') : undefined))),
  ];
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

function run(file: string, args: readonly string[], env?: NodeJS.ProcessEnv, timeoutMs = 0): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** "pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" → "15.14" */
function parseVersion(output: string): { version: string; major: number } | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return { version: match[2] !== undefined ? `${match[1]}.${match[2]}` : match[1]!, major: Number(match[1]) };
}

/** Every directory holding pg_dump, pg_dumpall and pg_restore, with their version, in search order, without repeats. */
export async function listPgTools(binDir: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<PgTools[]> {
  const found: PgTools[] = [];
  const seen = new Set<string>();
  for (const dir of await candidateDirs(binDir, env)) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    const [pgDump, pgDumpall, pgRestore] = ['pg_dump', 'pg_dumpall', 'pg_restore'].map((tool) => join(dir, tool)) as [string, string, string];
    if (!(await executable(pgDump)) || !(await executable(pgRestore)) || !(await executable(pgDumpall))) continue;
    const version = parseVersion((await run(pgDump, ['--version'], process.env, quickCallMs).catch(() => ({ stdout: '' }))).stdout);
    if (version) found.push({ dir, ...version, pgDump, pgDumpall, pgRestore });
  }
  return found;
}

/**
 * The tools that can dump a server of `serverMajor`: pg_dump refuses servers newer than itself. The same major is
 * preferred (what that server's own packages ship), else the newest found.
 */
export function pickPgTools(found: readonly PgTools[], serverMajor: number): PgTools | undefined {
  const able = found.filter((t) => t.major >= serverMajor);
  return able.find((t) => t.major === serverMajor) ?? [...able].sort((a, b) => b.major - a.major)[0];
}

/** The tool's own error output, for a message: its last lines, secrets masked. */
function toolError(error: unknown): string {
  const stderr = ((error as { stderr?: string }).stderr ?? '').trim() || (error as Error).message;
  return redactSecrets(stderr.split('\n').slice(-6).join('\n'));
}

/** A call that reads no database (--version, --list) answers at once; one that hangs is killed. */
export const quickCallMs = 120_000;

/**
 * The tool's environment: pgferry's own, without any PG* variable (PGSERVICE or PGHOSTADDR would send libpq
 * elsewhere than pgferry's own sessions went), then exactly the connection pgferry resolved.
 */
function toolEnvironment(connection: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const own = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PG')));
  return { ...own, ...connection };
}

/**
 * Runs a tool with the connection's environment, never asking for a password on a terminal (--no-password); a
 * failure is `code` with the tool's own words.
 */
export async function runPgTool(
  file: string,
  args: readonly string[],
  connection: Readonly<Record<string, string>>,
  failure: { code: 'BACKUP_FAILED' | 'BACKUP_CORRUPT' | 'RESTORE_FAILED'; what: string; hint: string },
  timeoutMs = 0,
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, ['--no-password', ...args], toolEnvironment(connection), timeoutMs);
  } catch (error) {
    throw new PgferryError(failure.code, `${failure.what} failed: ${toolError(error)}`, { hint: failure.hint, cause: error });
  }
}
