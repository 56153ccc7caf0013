/** Formatting shared by the Markdown and HTML reports: times, durations, rates and the rows of each table. */
import { serverProduct } from '../model/inventory.js';
import { formatBytes, formatCount, formatMs } from '../model/units.js';
import type { RunReport } from './run-report.js';

/** "2025-01-31T12:00:03.123Z" → "2025-01-31 12:00:03 UTC". */
export function formatTime(at: string | null): string {
  return at === null ? '—' : at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return formatMs(ms);
  const s = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h} h ${m} min ${sec} s` : `${m} min ${sec} s`;
}

export function formatRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}

export function headline(report: RunReport): string {
  const status = report.status.toUpperCase();
  return report.finished ? status : `${status} — the run did not finish`;
}

/** Header facts as label/value pairs. */
export function headerRows(report: RunReport): string[][] {
  return [
    ['command', `pgferry ${report.command}`],
    ['status', report.finished ? report.status : `${report.status} (the run did not finish)`],
    ['source', report.source ?? '—'],
    ['target', report.target ?? '—'],
    ['started', formatTime(report.startedAt)],
    ['ended', report.endedAt === null ? 'did not finish' : formatTime(report.endedAt)],
    ['duration', formatDuration(report.ms)],
    ['attempts', String(report.attempts.length)],
    ['pgferry', report.pgferryVersion],
  ];
}

export const phaseHead = ['attempt', 'phase', 'start', 'end', 'duration', 'status', 'notes'];
export function phaseRows(report: RunReport): string[][] {
  return report.phases.map((p) => [String(p.attempt), p.phase, formatTime(p.startedAt), formatTime(p.endedAt), formatDuration(p.ms), p.status, p.notes]);
}

export const tableHead = ['table', 'rows', 'bytes', 'chunks', 'copy time', 'throughput'];
export function tableRows(report: RunReport): string[][] {
  return report.tables.map((t) => [t.table, formatCount(t.rows), formatBytes(t.bytes), String(t.chunks), formatDuration(t.ms), formatRate(t.bytesPerSecond)]);
}

/** The verification's one-line verdict, naming what was kept out on purpose. */
export function verificationVerdict(v: NonNullable<RunReport['verification']>): string {
  if (v.differences > 0) return `${v.differences} difference(s) found.`;
  const rows = (v.setAside ?? []).reduce((n, t) => n + t.rows, 0);
  const values = (v.setAside ?? []).reduce((n, t) => n + t.values, 0);
  const kept = [
    rows > 0 ? `${rows} row(s) the value policy set aside` : '',
    values > 0 ? `${values} value(s) it made NULL` : '',
    (v.leftOut ?? []).length > 0 ? `what the mapping leaves out (${v.leftOut!.join(', ')})` : '',
  ].filter(Boolean);
  if (kept.length === 0) return 'Equal: every table, the schema and the sequences match the source.';
  const perTable = (v.setAside ?? []).map((t) => `${t.table}: ${[t.rows > 0 ? `${t.rows} row(s)` : '', t.values > 0 ? `${t.values} value(s) made NULL` : ''].filter(Boolean).join(', ')}`);
  return `Equal except what was kept out on purpose: ${kept.join('; ')}${perTable.length > 0 ? ` — ${perTable.join('; ')}, in the run's reject files` : ''}.`;
}

export const verifyHead = ['table', 'source rows', 'target rows', 'content'];
export function verifyRows(report: RunReport): string[][] {
  return (report.verification?.tables ?? []).map((t) => [
    t.table,
    formatCount(t.sourceRows),
    formatCount(t.targetRows),
    t.problem ?? (t.content === 'different' ? `${formatCount(t.differingRows)} row(s) differ` : t.content === 'not compared' ? 'counts only' : 'equal'),
  ]);
}

export function preflightRows(report: RunReport): string[][] {
  const p = report.preflight;
  if (!p) return [];
  return [
    ['source server', `${serverProduct(p.source.version)}, database ${p.source.database}, ${p.source.encoding}`],
    ['source size', `${formatBytes(p.source.databaseBytes)}, ${formatCount(p.source.tableCount)} tables, ${p.source.rowsExact ? '' : '~'}${formatCount(p.source.rows)} rows`],
    ['extensions', p.source.extensions.join(', ') || 'none'],
    ['large objects', formatCount(p.source.largeObjects)],
    ['target server', `${serverProduct(p.target.version)}, database ${p.target.database}, ${p.target.encoding}`],
    ['target before the run', `${formatBytes(p.target.databaseBytes)}, ${formatCount(p.target.existingObjects)} existing objects`],
    ['free disk in the run directory', formatBytes(p.freeBytes)],
  ];
}

export const largestHead = ['table', 'rows', 'size on disk'];
export function largestRows(report: RunReport): string[][] {
  const estimated = report.preflight?.source.rowsExact === false ? '~' : '';
  return (report.preflight?.source.largestTables ?? []).map((t) => [t.table, `${estimated}${formatCount(t.rows)}`, formatBytes(t.totalBytes)]);
}

export const backupFileHead = ['file', 'role', 'bytes', 'sha256'];
export function backupFileRows(report: RunReport): string[][] {
  return (report.backup?.manifest.files ?? []).map((f) => [f.path, f.table ? `${f.role} (${f.table})` : f.role, formatBytes(f.bytes), f.sha256]);
}

export const hookHead = ['hook', 'command', 'exit', 'duration'];
export function hookRows(report: RunReport): string[][] {
  return (report.backup?.manifest.hooks ?? []).map((h) => [h.name, h.command, h.timedOut ? 'timed out' : String(h.exitCode), formatDuration(h.ms)]);
}

export function backupRows(report: RunReport): string[][] {
  const b = report.backup;
  if (!b) return [];
  const restore = b.manifest.check.testRestore;
  return [
    ['directory', b.dir],
    ['kind', b.manifest.kind + (b.manifest.tool ? ` (${b.manifest.tool.version})` : '')],
    ['created', formatTime(b.manifest.createdAt)],
    ['source', `${b.manifest.source.display} (${serverProduct(b.manifest.source.serverVersion)})`],
    ['tables', `${formatCount(b.manifest.tables.length)} tables, ${formatCount(b.manifest.tables.reduce((n, t) => n + t.rows, 0))} rows`],
    ['pg_restore --list', b.manifest.check.listedEntries === undefined ? '—' : `${formatCount(b.manifest.check.listedEntries)} entries`],
    ['test restore', testRestoreText(restore)],
    ...b.manifest.notes.map((note) => ['note', note]),
  ];
}

function testRestoreText(restore: NonNullable<RunReport['backup']>['manifest']['check']['testRestore']): string {
  if (restore.status === 'skipped') return `skipped: ${restore.reason}`;
  if (restore.status === 'failed') return `failed into ${restore.database}: ${restore.reason}`;
  const differing = restore.differing.length > 0 ? `: ${restore.differing.join('; ')}` : '';
  return `${restore.status} in ${restore.database} (${formatCount(restore.differences)} differences; ${restore.compared}) in ${formatDuration(restore.ms)}${differing}`;
}

export const restoreHead = ['', 'table', 'manifest rows', 'restored rows'];
export function restoreRows(report: RunReport): string[][] {
  const largeObjects = report.restore?.largeObjects;
  return [
    ...(report.restore?.tables ?? []).map((t) => [t.restored === t.expected ? '✓' : '✗', t.table, formatCount(t.expected), t.restored === null ? 'missing' : formatCount(t.restored)]),
    ...(largeObjects ? [[largeObjects.restored === largeObjects.expected ? '✓' : '✗', 'large objects', formatCount(largeObjects.expected), formatCount(largeObjects.restored)]] : []),
  ];
}

export function restoreVerdict(report: RunReport): string {
  const restore = report.restore!;
  return restore.differences === 0
    ? `Every table holds the rows the manifest of ${restore.backupDir} lists; its files matched their sha256 before anything was written.`
    : `${restore.differences} table(s) differ from the manifest of ${restore.backupDir}.`;
}
