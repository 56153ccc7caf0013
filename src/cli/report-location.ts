/** The line every recorded command prints last: where its report is. */
import type { ReportPaths } from '../run/run-paths.js';

export function reportLocation(result: { readonly reports?: ReportPaths }): string | undefined {
  return result.reports ? `Report: ${result.reports.html} (also report.md, report.json)` : undefined;
}
