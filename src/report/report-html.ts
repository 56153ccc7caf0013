/** Renders a run report as one self-contained HTML page (report.html): inline CSS and SVG, nothing fetched, readable on a phone. */
import { escapeHtml as h } from './escape-html.js';
import { throughputChart, timelineChart } from './report-charts.js';
import * as f from './report-format.js';
import type { RunReport } from './run-report.js';

const style = `
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;padding:12px;max-width:1000px}
h1{font-size:1.35em;margin:.4em 0}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.status{display:inline-block;padding:.1em .5em;border-radius:4px;color:#fff;background:#555}
.status.ok{background:#2f7d4f}.status.bad{background:#b3261e}.status.stopped{background:#c77700}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%;border:1px solid #eee;border-radius:4px;margin:.4em 0}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:.3em .55em;border-bottom:1px solid #eee;vertical-align:top}
th,td{white-space:nowrap}td:last-child{white-space:normal;min-width:14em}
th{background:#f6f6f6}td.num{text-align:right}
.kv th{width:9em;font-weight:600;background:none;white-space:normal}.kv td:last-child{min-width:0;overflow-wrap:anywhere}
.chart svg{display:block;width:100%;min-width:540px;height:auto}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border-radius:2px}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.85em}
ul.checklist{list-style:none;padding-left:0}ul.checklist li{margin:.3em 0}
.error{border-left:4px solid #b3261e;padding:.2em .8em;background:#fdf1f0}
`;

function tableHtml(head: readonly string[], rows: readonly string[][], numeric: readonly number[] = [], id?: string): string {
  if (rows.length === 0) return '<p>(none)</p>';
  const cell = (text: string, i: number) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${h(text)}</td>`;
  return `<div class="scroll"><table${id ? ` id="${id}"` : ''}><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table></div>`;
}

function keyValues(rows: readonly string[][], id?: string): string {
  return `<div class="scroll"><table class="kv"${id ? ` id="${id}"` : ''}><tbody>${rows.map(([k, v]) => `<tr><th>${h(k ?? '')}</th><td>${h(v ?? '')}</td></tr>`).join('')}</tbody></table></div>`;
}

function statusClass(report: RunReport): string {
  if (!report.finished) return 'stopped';
  return ['migrated', 'equal', 'done', 'restored', 'backed-up'].includes(report.status) ? 'ok' : 'bad';
}

export function renderReportHtml(report: RunReport): string {
  const body: string[] = [];
  body.push(`<h1>pgferry ${h(report.command)} <span class="status ${statusClass(report)}">${h(f.headline(report))}</span></h1>`, keyValues(f.headerRows(report), 'header'));
  if (report.error) body.push(`<div class="error"><p><strong>${h(report.error.code)}</strong>: ${h(report.error.message)}</p>${report.error.hint ? `<p>Hint: ${h(report.error.hint)}</p>` : ''}</div>`);
  if (report.attempts.length > 1) {
    body.push('<h2>Attempts</h2>', tableHtml(['attempt', 'started', 'ended', 'status', 'error'], report.attempts.map((a) => [String(a.number), f.formatTime(a.startedAt), f.formatTime(a.endedAt), a.status, a.error ? `${a.error.code}: ${a.error.message}` : ''])));
  }
  if (report.preflight) {
    body.push('<h2>Preflight</h2>', keyValues(f.preflightRows(report)), '<p>Largest tables</p>', tableHtml(f.largestHead, f.largestRows(report), [1, 2]));
    if (report.preflight.blockers.length > 0) body.push('<p>Blockers</p>', tableHtml(['code', 'message'], report.preflight.blockers.map((b) => [b.code, b.message])));
  }
  if (report.backup) {
    body.push('<h2>Backup</h2>', keyValues(f.backupRows(report)), '<p>Files</p>', tableHtml(f.backupFileHead, f.backupFileRows(report), [2]));
    if (report.backup.manifest.hooks.length > 0) body.push('<p>Hooks</p>', tableHtml(f.hookHead, f.hookRows(report)));
  }
  const legend = ['done', 'running', 'failed', 'interrupted'].map((s, i) => `<span><i style="background:${['#2f7d4f', '#3a6ea5', '#b3261e', '#c77700'][i]}"></i>${s}</span>`).join('');
  body.push('<h2>Timeline</h2>', `<div class="scroll chart">${timelineChart(report)}</div>`, `<p class="legend">${legend}</p>`);
  body.push('<h2>Execution log</h2>', tableHtml(f.phaseHead, f.phaseRows(report), [0], 'execution-log'));
  if (report.tables.length > 0) {
    body.push('<h2>Tables copied</h2>', `<div class="scroll chart">${throughputChart(report)}</div>`, tableHtml(f.tableHead, f.tableRows(report), [1, 2, 3, 4, 5], 'tables'));
  }
  if (report.verification) {
    const v = report.verification;
    body.push('<h2>Verification</h2>', `<p>${h(f.verificationVerdict(v))}</p>`, tableHtml(f.verifyHead, f.verifyRows(report), [1, 2], 'verification'));
    if (v.schema.length > 0) body.push('<p>Schema differences</p>', tableHtml(['object', 'property', 'source', 'target'], v.schema.map((d) => [d.object, d.property, d.source, d.target])));
    if (v.sequences.length > 0) body.push('<p>Sequences</p>', tableHtml(['sequence', 'problem'], v.sequences.map((s) => [s.sequence, s.problem])));
  }
  if (report.restore) body.push('<h2>Restore</h2>', `<p>${h(f.restoreVerdict(report))}</p>`, tableHtml(f.restoreHead, f.restoreRows(report), [2, 3], 'restore'));
  const downtime = report.writeDowntime;
  body.push('<h2>Write downtime</h2>', `<p>${downtime ? h(`${f.formatDuration(downtime.ms)}, from ${f.formatTime(downtime.startedAt)} to ${f.formatTime(downtime.endedAt)}`) : 'None recorded: this run did not stop writes (no cutover).'}</p>`);
  body.push('<h2>Warnings</h2>', tableHtml(['code', 'message'], report.warnings.map((w) => [w.code, w.message])));
  if (report.checklist.length > 0) body.push('<h2>Checklist</h2>', `<ul class="checklist">${report.checklist.map((c) => `<li>${c.done ? '☑' : '☐'} ${h(c.text)}</li>`).join('')}</ul>`);
  body.push('<h2>Plan</h2>', '<p>Passwords and other secrets are masked.</p>', `<pre>${h(JSON.stringify(report.plan, null, 2))}</pre>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>pgferry ${h(report.command)}: ${h(f.headline(report))}</title>`,
    `<style>${style}</style></head>`,
    `<body>${body.join('\n')}</body></html>`,
    '',
  ].join('\n');
}
