/** The tools the bench runs side by side, each timed from a fresh target database to a finished copy. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ToolRun {
  readonly ms: number;
  /** Peak resident memory of the tool's own process, when known. */
  readonly maxRssKb?: number;
}

export interface Tool {
  readonly name: string;
  /** Why the tool cannot run here, or null. */
  readonly unavailable: string | null;
  run(source: string, target: string): Promise<ToolRun>;
}

function clientBinDir(): string | null {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; stderr: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${stderr.slice(-2000)}`);
  return { ms, stderr };
}

const pgferryChild = fileURLToPath(new URL('./pgferry-child.js', import.meta.url));

export function benchTools(jobs: number): Tool[] {
  const bin = clientBinDir();
  const path = bin ? `${bin}:${process.env.PATH}` : process.env.PATH;
  const noClient = bin ? null : 'pg_config is not on PATH (install postgresql-client)';
  const workDir = () => mkdtempSync(join(tmpdir(), 'pgferry-bench-'));
  return [
    {
      name: 'pgferry migrate',
      unavailable: null,
      run: async (source, target) => {
        const dir = workDir();
        try {
          // The other tools copy without checking; pgferry's verification is timed on its own (see run-bench).
          const { ms, stderr } = await timed(process.execPath, [pgferryChild, 'migrate', '--no-verify', '--from', source, '--to', target, '--run-dir', dir, '--jobs', String(jobs)]);
          return { ms, maxRssKb: Number(/pgferry-max-rss-kb (\d+)/.exec(stderr)?.[1]) };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
    {
      name: `pg_dump -Fc + pg_restore -j ${jobs}`,
      unavailable: noClient,
      run: async (source, target) => {
        const dir = workDir();
        try {
          const dump = await timed('pg_dump', ['-Fc', '-d', source, '-f', join(dir, 'db.dump')], { PATH: path });
          const restore = await timed('pg_restore', ['-j', String(jobs), '-d', target, join(dir, 'db.dump')], { PATH: path });
          return { ms: dump.ms + restore.ms };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
    {
      name: 'pg_dump | psql',
      unavailable: noClient,
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
      name: `pgcopydb clone (${jobs} jobs)`,
      unavailable: noClient ?? (onPath('pgcopydb') ? null : 'pgcopydb is not installed (Debian package pgcopydb)'),
      run: async (source, target) => {
        const dir = workDir();
        try {
          const { ms } = await timed('pgcopydb', ['clone', '--source', source, '--target', target, '--dir', dir, '--table-jobs', String(jobs), '--index-jobs', String(jobs)], {
            PATH: path,
          });
          return { ms };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];
}

/** Times a pgferry command (verify) on its own. */
export async function timePgferry(args: string[]): Promise<ToolRun> {
  const { ms, stderr } = await timed(process.execPath, [pgferryChild, ...args]);
  return { ms, maxRssKb: Number(/pgferry-max-rss-kb (\d+)/.exec(stderr)?.[1]) };
}
