/** Renders a run report as Markdown (report.md): the same sections as the HTML page, without the charts. */
import * as f from './report-format.js';
import type { RunReport } from './run-report.js';

/** Text in a Markdown table cell: no HTML a viewer would interpret, no cell break, no code span. */
export function markdownCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/`/g, '\\`').replace(/\r?\n/g, ' ');
}

function markdownTable(head: readonly string[], rows: readonly string[][]): string[] {
  if (rows.length === 0) return ['(none)', ''];
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line), ''];
}

/** A fenced block whose fence is longer than any run of backticks inside. */
function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text, fence, ''];
}

export function renderReportMarkdown(report: RunReport): string {
  const out = [`# pgferry ${markdownCell(report.command)}: ${markdownCell(f.headline(report))}`, ''];
  out.push(...markdownTable(['', ''], f.headerRows(report)));
  if (report.error) out.push('## Error', '', `**${markdownCell(report.error.code)}**: ${markdownCell(report.error.message)}`, '', ...(report.error.hint ? [`Hint: ${markdownCell(report.error.hint)}`, ''] : []));
  if (report.attempts.length > 1) {
    out.push('## Attempts', '', ...markdownTable(['attempt', 'started', 'ended', 'status', 'error'], report.attempts.map((a) => [String(a.number), f.formatTime(a.startedAt), f.formatTime(a.endedAt), a.status, a.error ? `${a.error.code}: ${a.error.message}` : ''])));
  }
  if (report.preflight) {
    out.push('## Preflight', '', ...markdownTable(['', ''], f.preflightRows(report)), 'Largest tables:', '', ...markdownTable(f.largestHead, f.largestRows(report)));
    if (report.preflight.blockers.length > 0) out.push('Blockers:', '', ...markdownTable(['code', 'message'], report.preflight.blockers.map((b) => [b.code, b.message])));
  }
  if (report.backup) {
    out.push('## Backup', '', ...markdownTable(['', ''], f.backupRows(report)), 'Files:', '', ...markdownTable(f.backupFileHead, f.backupFileRows(report)));
    if (report.backup.manifest.hooks.length > 0) out.push('Hooks:', '', ...markdownTable(f.hookHead, f.hookRows(report)));
  }
  out.push('## Execution log', '', ...markdownTable(f.phaseHead, f.phaseRows(report)));
  if (report.tables.length > 0) out.push('## Tables copied', '', ...markdownTable(f.tableHead, f.tableRows(report)));
  if (report.verification) {
    const v = report.verification;
    out.push('## Verification', '', markdownCell(f.verificationVerdict(v)), '');
    out.push(...markdownTable(f.verifyHead, f.verifyRows(report)));
    if (v.schema.length > 0) out.push('Schema differences:', '', ...markdownTable(['object', 'property', 'source', 'target'], v.schema.map((d) => [d.object, d.property, d.source, d.target])));
    if (v.sequences.length > 0) out.push('Sequences:', '', ...markdownTable(['sequence', 'problem'], v.sequences.map((s) => [s.sequence, s.problem])));
  }
  if (report.restore) out.push('## Restore', '', markdownCell(f.restoreVerdict(report)), '', ...markdownTable(f.restoreHead, f.restoreRows(report)));
  out.push('## Write downtime', '', report.writeDowntime ? `${f.formatDuration(report.writeDowntime.ms)}, from ${f.formatTime(report.writeDowntime.startedAt)} to ${f.formatTime(report.writeDowntime.endedAt)}` : 'None recorded: this run did not stop writes (no cutover).', '');
  out.push('## Warnings', '', ...markdownTable(['code', 'message'], report.warnings.map((w) => [w.code, w.message])));
  if (report.checklist.length > 0) out.push('## Checklist', '', ...report.checklist.map((c) => `- [${c.done ? 'x' : ' '}] ${markdownCell(c.text)}`), '');
  out.push('## Plan', '', 'Passwords and other secrets are masked.', '', ...fenced(JSON.stringify(report.plan, null, 2), 'json'));
  return out.join('\n');
}
