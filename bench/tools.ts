/** The tools the bench runs side by side, each timed from its start on an empty target database to its exit. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const toolIds = ['pgferry', 'dump-fc', 'dump-fd', 'dump-psql', 'pgcopydb'] as const;
export type ToolId = (typeof toolIds)[number];

export interface ToolRun {
  readonly ms: number;
  /** Peak resident memory of the tool's own process, when known. */
  readonly maxRssKb?: number;
}

export interface Tool {
  readonly id: ToolId;
  readonly name: string;
  /** Why the tool cannot run here, or null. */
  readonly unavailable: string | null;
  /** The tool's version line, when it has one. */
  readonly version: string | null;
  run(source: string, target: string): Promise<ToolRun>;
}

function clientBinDir(): string | null {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function versionOf(command: string, path: string | undefined): string | null {
  try {
    return execFileSync(command, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .join('; ');
  } catch {
    return null;
  }
}

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; stderr: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`);
  return { ms, stderr };
}

async function inFreshDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pgferryChild = fileURLToPath(new URL('./pgferry-child.js', import.meta.url));

function pgferryStats(stderr: string): { maxRssKb?: number } {
  const kb = /pgferry-max-rss-kb (\d+)/.exec(stderr)?.[1];
  return kb ? { maxRssKb: Number(kb) } : {};
}

/** PATH with the PostgreSQL client programs (pg_dump, pg_restore, psql) first, or null when they are not installed. */
export function pgClientPath(): string | null {
  const bin = clientBinDir();
  return bin ? `${bin}:${process.env.PATH}` : null;
}

export function benchTools(jobs: number, selected: readonly ToolId[]): Tool[] {
  const bin = clientBinDir();
  const path = pgClientPath() ?? process.env.PATH;
  const noClient = bin ? null : 'pg_config is not on PATH (install postgresql-client)';
  const pgDumpVersion = bin ? versionOf('pg_dump', path) : null;
  const pgcopydbVersion = versionOf('pgcopydb', path);
  const j = String(jobs);
  const all: Tool[] = [
    {
      id: 'pgferry',
      name: 'pgferry migrate',
      unavailable: null,
      version: null,
      // The other tools copy without checking or backing up; pgferry's verification is timed on its own (see
      // verify-bench), and so is its backup (`pgferry backup` against `pg_dump -Fc`, docs/BENCHMARKS.md).
      run: (source, target) =>
        inFreshDir(async (dir) => {
          const { ms, stderr } = await timed(process.execPath, [pgferryChild, 'migrate', '--no-verify', '--no-backup', '--from', source, '--to', target, '--run-dir', dir, '--jobs', j]);
          return { ms, ...pgferryStats(stderr) };
        }),
    },
    {
      id: 'dump-fc',
      name: `pg_dump -Fc + pg_restore -j ${jobs}`,
      unavailable: noClient,
      version: pgDumpVersion,
      run: (source, target) =>
        inFreshDir(async (dir) => {
          const file = join(dir, 'db.dump');
          const dump = await timed('pg_dump', ['-Fc', '-d', source, '-f', file], { PATH: path });
          const restore = await timed('pg_restore', ['-j', j, '-d', target, file], { PATH: path });
          return { ms: dump.ms + restore.ms };
        }),
    },
    {
      id: 'dump-fd',
      name: `pg_dump -Fd -j ${jobs} + pg_restore -j ${jobs}`,
      unavailable: noClient,
      version: pgDumpVersion,
      run: (source, target) =>
        inFreshDir(async (dir) => {
          const dumpDir = join(dir, 'db.dir');
          const dump = await timed('pg_dump', ['-Fd', '-j', j, '-d', source, '-f', dumpDir], { PATH: path });
          const restore = await timed('pg_restore', ['-j', j, '-d', target, dumpDir], { PATH: path });
          return { ms: dump.ms + restore.ms };
        }),
    },
    {
      id: 'dump-psql',
      name: 'pg_dump | psql',
      unavailable: noClient,
      version: pgDumpVersion,
      run: async (source, target) => {
        const { ms } = await timed('bash', ['-o', 'pipefail', '-c', 'pg_dump -d "$SRC" | psql -X -q -v ON_ERROR_STOP=1 -d "$DST" > /dev/null'], {
          PATH: path,
          SRC: source,
          DST: target,
        });
        return { ms };
      },
    },
    {
      id: 'pgcopydb',
      name: `pgcopydb clone (${jobs} table jobs, ${jobs} index jobs)`,
      unavailable: noClient ?? (pgcopydbVersion ? null : 'pgcopydb is not installed (Debian package pgcopydb)'),
      version: pgcopydbVersion,
      // pgcopydb refuses a work directory a completed earlier run left (it asks for --restart), so each run gets a
      // directory that does not exist yet.
      run: (source, target) =>
        inFreshDir(async (dir) => {
          const { ms } = await timed('pgcopydb', ['clone', '--source', source, '--target', target, '--dir', join(dir, 'pgcopydb'), '--table-jobs', j, '--index-jobs', j], {
            PATH: path,
          });
          return { ms };
        }),
    },
  ];
  return all.filter((tool) => selected.includes(tool.id));
}

/** Times a pgferry command (verify) on its own. */
export async function timePgferry(args: string[]): Promise<ToolRun> {
  const { ms, stderr } = await timed(process.execPath, [pgferryChild, ...args]);
  return { ms, ...pgferryStats(stderr) };
}
