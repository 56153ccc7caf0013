/** A backup's files on disk: each one's size and sha256, the manifest written and read back, and the check of one against the other. */
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PgferryError } from '../errors/pgferry-error.js';
import { manifestFileName, manifestTextFileName, type BackupFile, type BackupManifest } from '../model/backup-manifest.js';
import { renderManifestText } from '../model/manifest-text.js';

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Size and sha256 of one file of the backup directory `dir`. */
export async function describeFile(dir: string, path: string, role: BackupFile['role'], extra: Pick<BackupFile, 'table' | 'rows'> = {}): Promise<BackupFile> {
  const full = join(dir, path);
  const [{ size, mtime }, sha256] = await Promise.all([stat(full), sha256OfFile(full)]);
  return { path, bytes: size, sha256, createdAt: mtime.toISOString(), role, ...extra };
}

/** Writes manifest.json and manifest.txt, each through a temporary file, so a crash never leaves half a manifest. */
export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, `${name}.partial`), text);
    await rename(join(dir, `${name}.partial`), join(dir, name));
  };
  await write(manifestTextFileName, renderManifestText(manifest));
  await write(manifestFileName, `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  const path = join(dir, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PgferryError('BACKUP_CORRUPT', `${dir} is not a pgferry backup: ${manifestFileName} cannot be read (${(error as Error).message})`, {
      hint: 'Give the directory a pgferry backup wrote (it holds manifest.json), e.g. <run dir>/migrate-…/backup.',
      cause: error,
    });
  }
  try {
    const manifest = JSON.parse(text) as BackupManifest;
    if (manifest.formatVersion !== 1 || !Array.isArray(manifest.files) || !Array.isArray(manifest.tables)) throw new Error('unknown manifest format');
    return manifest;
  } catch (error) {
    throw new PgferryError('BACKUP_CORRUPT', `${path} is not a manifest this pgferry can read: ${(error as Error).message}`, {
      hint: 'The manifest was changed or cut short; take the backup again, or restore with the tools that wrote it.',
      cause: error,
    });
  }
}

/** Every file the manifest lists must be there with its size and sha256; BACKUP_CORRUPT names each one that is not. */
export async function checkBackupFiles(dir: string, manifest: BackupManifest): Promise<void> {
  const problems: string[] = [];
  for (const file of manifest.files) {
    const full = join(dir, file.path);
    const found = await stat(full).catch(() => undefined);
    if (!found) problems.push(`${file.path} is missing`);
    else if (found.size !== file.bytes) problems.push(`${file.path} has ${found.size} bytes, the manifest says ${file.bytes} (truncated or changed)`);
    else if ((await sha256OfFile(full)) !== file.sha256) problems.push(`${file.path} does not match its sha256 (changed since the backup was written)`);
  }
  if (problems.length > 0) {
    throw new PgferryError('BACKUP_CORRUPT', `the backup in ${dir} does not match its manifest; nothing was restored:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Restore from another copy of this backup, or take a new one; a backup whose files changed cannot be trusted.',
    });
  }
}
