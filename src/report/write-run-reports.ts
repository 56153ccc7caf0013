/** Renders a run directory's log into report.json, report.md and report.html beside it. Synchronous: a signal handler calls it. */
import { writeFileSync } from 'node:fs';
import type { RecordPaths } from '../run/run-paths.js';
import { readRunLog } from '../run/run-log.js';
import { renderReportHtml } from './report-html.js';
import { renderReportMarkdown } from './report-markdown.js';
import { buildRunReport, type RunReport } from './run-report.js';

/** The report written, or undefined when the log holds no run. */
export function writeRunReports(paths: RecordPaths): RunReport | undefined {
  const report = buildRunReport(readRunLog(paths.log));
  if (!report) return undefined;
  writeFileSync(paths.reports.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.reports.markdown, renderReportMarkdown(report));
  writeFileSync(paths.reports.html, renderReportHtml(report));
  return report;
}
