/**
 * A backup directory's manifest on disk, for both kinds of backup: written once the backup is complete, read back
 * and checked file by file (size and sha256) before a restore writes anything.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { z } from 'zod';
import { PgferryError } from '../errors/pgferry-error.js';
import { manifestFileName, type BackupFile, type BackupManifest } from '../model/backup-manifest.js';

/** The sha256 of a file's bytes, hex. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `manifest.json` into `dir`, through a temporary file renamed into place, so a manifest on disk is always
 * whole: a backup interrupted before this has none and is never taken for a complete one.
 */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  const path = join(dir, manifestFileName);
  await writeFile(`${path}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.partial`, path);
}

const fileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(['archive', 'roles', 'schema', 'data', 'script', 'hook']),
  table: z.string().optional(),
  rows: z.number().int().min(0).optional(),
});

// Only what a restore relies on is checked strictly; the rest (hooks, check) is what the backup reported.
const manifestSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.enum(['pg_dump', 'portable']),
  createdAt: z.string(),
  source: z.object({ display: z.string(), serverVersion: z.string(), major: z.number(), database: z.string() }),
  tool: z.object({ path: z.string(), version: z.string() }).optional(),
  files: z.array(fileSchema),
  tables: z.array(z.object({ table: z.string(), rows: z.number().int().min(0) })),
  hooks: z.array(z.unknown()),
  check: z.unknown(),
  notes: z.array(z.string()),
});

/** Reads and validates `dir`/manifest.json; a missing or malformed manifest is BACKUP_CORRUPT. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PgferryError('BACKUP_CORRUPT', `the backup directory ${dir} has no readable ${manifestFileName} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      hint: `Give the directory a pgferry backup was written to; a backup interrupted before its end has no ${manifestFileName} and cannot be restored.`,
      cause: error,
    });
  }
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(text));
  } catch (error) {
    const reason = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') : (error as Error).message;
    throw new PgferryError('BACKUP_CORRUPT', `${path} is not a valid pgferry backup manifest: ${reason}`, {
      hint: 'The manifest was edited or damaged; restore from another copy of the backup.',
      cause: error,
    });
  }
  return parsed as BackupManifest;
}

/** Why one listed file does not match the manifest, or null when it does. */
async function fileProblem(dir: string, file: BackupFile): Promise<string | null> {
  const relative = normalize(file.path);
  if (isAbsolute(relative) || relative.startsWith('..')) return `${file.path}: the manifest names a path outside the backup directory`;
  const path = join(dir, relative);
  let bytes: number;
  try {
    const facts = await stat(path);
    if (!facts.isFile()) return `${file.path}: not a regular file`;
    bytes = facts.size;
  } catch {
    return `${file.path}: missing`;
  }
  if (bytes < file.bytes) return `${file.path}: truncated (${bytes} of ${file.bytes} bytes)`;
  if (bytes > file.bytes) return `${file.path}: ${bytes} bytes where the manifest says ${file.bytes}`;
  return (await sha256OfFile(path)) === file.sha256 ? null : `${file.path}: changed (its sha256 differs from the manifest's)`;
}

/**
 * Checks every file the manifest lists: present, of its size, with its sha256. Throws BACKUP_CORRUPT naming every
 * file that does not match; reads only.
 */
export async function checkBackupFiles(dir: string, manifest: BackupManifest): Promise<void> {
  const problems: string[] = [];
  for (const file of manifest.files) {
    const problem = await fileProblem(dir, file);
    if (problem) problems.push(problem);
  }
  if (problems.length === 0) return;
  throw new PgferryError('BACKUP_CORRUPT', `the backup in ${dir} does not match its manifest: ${problems.join('; ')}`, {
    hint: 'Nothing was restored. Restore from an intact copy of this backup (or take a new one); a backup whose files changed cannot be trusted.',
  });
}
