/** Renders a migrate result as text: warnings, per-table rows and bytes, step totals, what was not covered, verdict. */
import type { MigrateResult } from '../../api/migrate.js';
import { findingSection, renderPreflightText, table } from './preflight-text.js';
import { formatBytes, formatCount, formatMs } from '../../model/units.js';
import { keptOut, renderVerification, setAsideSummary } from './verify-text.js';

type Finished = Extract<MigrateResult, { status: 'migrated' | 'blocked' }>;

export function renderMigrateText(result: Finished): string {
  if (result.status === 'blocked') {
    return `${renderPreflightText({ status: 'blocked', ms: result.ms, ...result.preflight })}\nNothing was changed on the target.`;
  }
  const out = [`pgferry migrate: ${result.preflight.source.display} → ${result.preflight.target.display}${result.resumed ? ' (resumed)' : ''}`, ''];
  out.push(...findingSection('Warnings', '!', result.warnings));
  out.push('Tables', table(['table', 'rows', 'bytes streamed'], result.tables.map((t) => [t.table, formatCount(t.rows), formatBytes(t.bytes)])), '');
  out.push(`Steps: ${result.steps.map((s) => `${s.phase} ${s.done}/${s.steps}`).join(', ')}`);
  if (result.notCovered.length > 0) out.push(`Not migrated (not covered by this version): ${result.notCovered.join(', ')}`);
  const rows = result.tables.reduce((n, t) => n + t.rows, 0);
  const bytes = result.tables.reduce((n, t) => n + t.bytes, 0);
  out.push(`Run directory: ${result.runDir}`);
  out.push(`Backup: ${result.backup ? backupLine(result.backup) : 'none (backup.enabled: false)'}`, '');
  if (result.verification) out.push('Verification', ...renderVerification(result.verification));
  const verdict = !result.verification
    ? 'not verified (verify: false)'
    : result.verification.differences === 0
      ? keptOut(result.verification)
        ? `verified equal except what was kept out on purpose (${setAsideSummary(result.verification)})`
        : 'verified equal'
      : `but verification found ${result.verification.differences} difference(s)`;
  out.push(`MIGRATED: ${formatCount(rows)} rows in ${result.tables.length} tables (${formatBytes(bytes)}) in ${formatMs(result.ms)}, ${verdict}`);
  return out.join('\n');
}

function backupLine(backup: NonNullable<Extract<Finished, { status: 'migrated' }>['backup']>): string {
  const { manifest } = backup;
  const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const check = manifest.check.testRestore;
  const tested = check.status === 'skipped' ? `test restore skipped: ${check.reason}` : `test restore ${check.status}`;
  return `${backup.dir} (${manifest.kind === 'pg_dump' ? `pg_dump ${manifest.tool?.version ?? ''} custom archive` : manifest.kind === 'sqlite' ? 'copy of the SQLite file' : 'portable archive'}, ${formatBytes(bytes)}, ${tested})`;
}
