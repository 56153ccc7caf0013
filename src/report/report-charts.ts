/** Inline SVG charts of the HTML report: the phases on a timeline (Gantt bars) and per-table copy throughput. */
import { formatBytes } from '../model/units.js';
import { escapeHtml } from './escape-html.js';
import { formatDuration, formatRate } from './report-format.js';
import type { RunReport } from './run-report.js';

const width = 720;
const labelWidth = 170;
const rowHeight = 26;
const barHeight = 16;
const statusColors: Readonly<Record<string, string>> = { done: '#2f7d4f', running: '#3a6ea5', failed: '#b3261e', interrupted: '#c77700' };

/** At most this many characters of a label, so names cannot push the bars off the chart. */
function clip(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function svg(height: number, label: string, id: string, body: string[]): string {
  return `<svg id="${id}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">${body.join('')}</svg>`;
}

export function timelineChart(report: RunReport): string {
  const phases = report.phases;
  if (phases.length === 0) return '<p>No phase started.</p>';
  const start = Math.min(...phases.map((p) => Date.parse(p.startedAt)));
  const end = Math.max(start + 1, ...phases.map((p) => Date.parse(p.seenUntil)));
  const plot = width - labelWidth - 10;
  const x = (at: string) => labelWidth + ((Date.parse(at) - start) / (end - start)) * plot;
  const body = phases.map((p, i) => {
    const y = 8 + i * rowHeight;
    const from = x(p.startedAt);
    const barWidth = Math.max(2, x(p.seenUntil) - from);
    const label = `${p.phase}${report.attempts.length > 1 ? ` (#${p.attempt})` : ''}`;
    const title = `${p.phase}: ${p.status}, ${formatDuration(p.ms ?? Date.parse(p.seenUntil) - Date.parse(p.startedAt))}`;
    return (
      `<text x="${labelWidth - 6}" y="${y + barHeight - 3}" text-anchor="end">${escapeHtml(clip(label))}</text>` +
      `<rect class="bar ${escapeHtml(p.status)}" x="${from.toFixed(1)}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3" fill="${statusColors[p.status] ?? '#777'}"${p.status === 'done' ? '' : ' stroke="#000" stroke-dasharray="4 2"'}><title>${escapeHtml(title)}</title></rect>`
    );
  });
  const axisY = 8 + phases.length * rowHeight + 4;
  body.push(
    `<line x1="${labelWidth}" y1="${axisY}" x2="${width - 10}" y2="${axisY}" stroke="#999"/>`,
    `<text x="${labelWidth}" y="${axisY + 14}">0 s</text>`,
    `<text x="${width - 10}" y="${axisY + 14}" text-anchor="end">${escapeHtml(formatDuration(end - start))}</text>`,
  );
  return svg(axisY + 20, 'Timeline of the phases', 'timeline', body);
}

/** The `top` tables that moved the most bytes, with the rate each was copied at. */
export function throughputChart(report: RunReport, top = 10): string {
  const tables = [...report.tables].filter((t) => t.bytesPerSecond !== null).sort((a, b) => b.bytes - a.bytes).slice(0, top);
  if (tables.length === 0) return '<p>No table copy to chart.</p>';
  const fastest = Math.max(...tables.map((t) => t.bytesPerSecond!));
  const plot = width - labelWidth - 130;
  const body = tables.map((t, i) => {
    const y = 8 + i * rowHeight;
    const barWidth = Math.max(2, (t.bytesPerSecond! / fastest) * plot);
    return (
      `<text x="${labelWidth - 6}" y="${y + barHeight - 3}" text-anchor="end">${escapeHtml(clip(t.table))}<title>${escapeHtml(t.table)}</title></text>` +
      `<rect class="bar" x="${labelWidth}" y="${y}" width="${barWidth.toFixed(1)}" height="${barHeight}" rx="3" fill="#3a6ea5"/>` +
      `<text x="${(labelWidth + barWidth + 6).toFixed(1)}" y="${y + barHeight - 3}">${escapeHtml(`${formatRate(t.bytesPerSecond)} (${formatBytes(t.bytes)})`)}</text>`
    );
  });
  return svg(8 + tables.length * rowHeight + 4, `Copy throughput of the ${tables.length} largest tables`, 'throughput', body);
}
