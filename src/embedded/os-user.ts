/** PostgreSQL refuses to run as root: when we are root, servers run as an unprivileged OS user. */
import { execFileSync } from 'node:child_process';

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The user to run servers as: null when we are not root (run as ourselves), else "postgres" if it exists, else "nobody". */
export function serverOsUser(preferred = process.env.PGFERRY_SERVER_OS_USER): OsUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of [preferred, 'postgres', 'nobody']) {
    if (!name) continue;
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // Try the next candidate.
    }
  }
  throw new Error('running as root, but neither "postgres" nor "nobody" exists to run PostgreSQL as');
}
