/** The bench's printed report, rendered from the same value that is written to the results file. */
import Table from 'cli-table3';
import { formatBytes } from '../src/report/units.js';
import { renderCopyTable } from './copy-summary.js';
import type { BenchResults } from './results-file.js';
import { formatServerSettings } from './server-settings.js';
import type { Spread } from './stats.js';

const range = (s: Spread, digits: number) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

export function renderBenchReport(results: BenchResults): string {
  const { options, dataset, servers } = results;
  const tableMb = dataset.tableBytes / 1024 / 1024;
  const lines = [
    `pgferry bench: ${dataset.variant} dataset, ${formatBytes(dataset.tableBytes)} of table data (${formatBytes(dataset.databaseBytes)} on disk), ` +
      `PostgreSQL ${servers.source.server_version} → ${servers.target.server_version}, ${options.jobs} jobs, ${options.rounds} round(s), ` +
      `${results.machine.cpus} CPUs`,
    'Tools rotate each round; a checkpoint on both servers and a read of the source precede every run; every copy is checked complete.',
    '',
    ...formatServerSettings(servers.source, servers.target),
    '',
    renderCopyTable(results.copies.summary, tableMb),
  ];
  for (const { tool, reason } of results.notRun) lines.push(`${tool}: not run — ${reason}`);
  for (const run of results.copies.runs) {
    if (run.status === 'incomplete') lines.push(`round ${run.round + 1}, ${run.tool}: incomplete copy — ${run.shortfalls.join('; ')}`);
    if (run.status === 'failed') lines.push(`round ${run.round + 1}, ${run.tool}: failed — ${run.error.split('\n')[0]}`);
  }
  const pgferry = results.copies.summary.find((s) => s.id === 'pgferry');
  if (pgferry?.medianMaxRssKb) lines.push('', `pgferry peak RSS (median): ${formatBytes(pgferry.medianMaxRssKb * 1024)}`);
  if (results.floor) {
    lines.push('', `critical-path floor: ${results.floor.method}`);
    for (const f of results.floor.perRound) {
      const table = f.tables.find((t) => t.table === f.table)!;
      const builds = Object.entries(table.indexBuildMs).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join(', ');
      lines.push(`  round ${f.round + 1}: ${(f.floorMs / 1000).toFixed(1)} s — ${f.table}: copy ${(table.copyMs / 1000).toFixed(1)} s; builds alone: ${builds}`);
    }
    lines.push(`pgferry ÷ floor (same-round median, min–max): ${results.floor.pgferryOverFloor ? range(results.floor.pgferryOverFloor, 2) : '—'}`);
  }
  if (results.checks) {
    const table = new Table({ head: ['check after a pgferry migrate', 'median s', 'min–max s', '÷ pgferry verify (same-round median)'], style: { head: [], border: [] } });
    for (const check of results.checks) {
      table.push([
        check.name + (check.failures.length ? ` (${check.failures.length} FAILED)` : ''),
        check.seconds ? check.seconds.median.toFixed(1) : '—',
        check.seconds ? `${check.seconds.min.toFixed(1)}–${check.seconds.max.toFixed(1)}` : '—',
        check.id === 'verify' ? '1' : check.overVerify ? range(check.overVerify, 2) : '—',
      ]);
    }
    lines.push('', table.toString());
    const verify = results.checks.find((c) => c.id === 'verify')?.seconds;
    if (verify && pgferry?.seconds) {
      lines.push(`pgferry verify ÷ pgferry migrate (ratio of medians, different rounds): ${(verify.median / pgferry.seconds.median).toFixed(2)}`);
    }
  }
  return lines.join('\n');
}
