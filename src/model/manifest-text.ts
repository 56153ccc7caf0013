/** manifest.txt: the backup manifest as a person reads it. */
import type { BackupManifest } from './backup-manifest.js';
import { serverProduct } from './inventory.js';
import { formatBytes } from './units.js';

export function renderManifestText(manifest: BackupManifest): string {
  const lines = [
    `pgferry backup (${({ pg_dump: 'pg_dump custom-format archive', portable: 'pgferry portable archive', sqlite: 'copy of the SQLite file' } as const)[manifest.kind]})`,
    `created:  ${manifest.createdAt}`,
    `source:   ${manifest.source.display} (${serverProduct(manifest.source.serverVersion)}, database ${manifest.source.database})`,
    ...(manifest.tool ? [`written by: ${manifest.tool.path} ${manifest.tool.version}`] : []),
    '',
    'files:',
    ...manifest.files.map((f) => `  ${f.path}  ${formatBytes(f.bytes)}  ${f.createdAt}  sha256 ${f.sha256}${f.rows !== undefined ? `  ${f.rows} rows` : ''}`),
    '',
    `tables: ${manifest.tables.length}, rows: ${manifest.tables.reduce((n, t) => n + t.rows, 0)}`,
    ...manifest.tables.map((t) => `  ${t.table}  ${t.rows} rows`),
    ...(manifest.largeObjects ? [`large objects: ${manifest.largeObjects.count}, ${formatBytes(manifest.largeObjects.bytes)}`] : []),
  ];
  if (manifest.hooks.length > 0) {
    lines.push('', 'hooks:');
    for (const hook of manifest.hooks) {
      lines.push(`  ${hook.name}: ${hook.timedOut ? 'timed out' : `exit ${hook.exitCode}`} after ${hook.ms} ms — ${hook.command}`);
    }
  }
  lines.push('', 'checks:');
  if (manifest.check.listedEntries !== undefined) lines.push(`  pg_restore --list: ${manifest.check.listedEntries} entries`);
  const restore = manifest.check.testRestore;
  lines.push(
    restore.status === 'skipped'
      ? `  test restore: skipped (${restore.reason})`
      : restore.status === 'failed'
        ? `  test restore into ${restore.database}: FAILED after ${restore.ms} ms: ${restore.reason}`
        : `  test restore into ${restore.database}: ${restore.status} (${restore.differences} differences; compared ${restore.compared}) in ${restore.ms} ms`,
  );
  if (restore.status === 'different') lines.push(...restore.differing.map((d) => `    ✗ ${d}`));
  if (manifest.notes.length > 0) lines.push('', 'notes:', ...manifest.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}
