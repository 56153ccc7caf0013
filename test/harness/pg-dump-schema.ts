/**
 * `pg_dump --schema-only` as an oracle that is not pgferry's: the installed pg_dump (Debian's, found through
 * `pg_config --bindir`) can dump servers of its own major or older, so tests use it for pairs within that range.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function installedPgDump(): { path: string; major: number } | null {
  try {
    const binDir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    const path = join(binDir, 'pg_dump');
    if (!existsSync(path)) return null;
    const version = /(\d+)\.\d+/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }));
    return version ? { path, major: Number(version[1]) } : null;
  } catch {
    return null;
  }
}

export const pgDump = installedPgDump();

/**
 * The schema as pg_dump writes it, without what differs between two equal databases: comments of the dump
 * itself, SET lines, psql meta-commands (`\restrict` carries a random key) and blank lines.
 */
export function dumpedSchema(url: string): string {
  if (!pgDump) throw new Error('no pg_dump is installed');
  const dump = execFileSync(pgDump.path, ['--schema-only', '--dbname', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return dump
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('--') && !line.startsWith('\\') && !/^SET |^SELECT pg_catalog\.set_config/.test(line))
    .join('\n');
}
