/**
 * `npm run report:screenshot`: a real report for the docs. Starts PostgreSQL 15 (the Chinook sample; Debian's pg_dump 15 backs it up) and 17, migrates
 * with chunks so the timeline has something to show, and saves report.html as seen at a phone's width in headless
 * Chromium to docs/report-screenshot.png (and the Markdown beside it as docs/report-sample.md).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../src/api/migrate.js';
import { startLocalServer, type LocalServer } from '../src/embedded/local-server.js';
import { createDatabase, loadChinook } from '../src/sample/load-chinook.js';
import { openPage, phone } from '../test/harness/chromium.js';

const docs = fileURLToPath(new URL('../../docs/', import.meta.url));

async function main(): Promise<number> {
  const servers: LocalServer[] = [];
  try {
    const [source, target] = await Promise.all([startLocalServer({ major: 15 }), startLocalServer({ major: 17 })]);
    servers.push(source, target);
    await loadChinook(source.url(), source.url('chinook'), 'chinook');
    await createDatabase(target.url(), 'chinook');
    // A relative run directory, so the plan the report shows names no directory of this machine.
    process.chdir(mkdtempSync(join(tmpdir(), 'pgferry-screenshot-')));
    const result = await migrate({ overrides: { source: source.url('chinook'), target: target.url('chinook'), runDir: 'pgferry-runs', jobs: 2 } });
    if (!result.reports) throw new Error(`no report: ${result.status}`);
    const page = await openPage(result.reports.html, phone);
    try {
      writeFileSync(join(docs, 'report-screenshot.png'), await page.screenshot(true));
    } finally {
      await page.close();
    }
    copyFileSync(result.reports.markdown, join(docs, 'report-sample.md'));
    process.stderr.write(`${result.status}: docs/report-screenshot.png and docs/report-sample.md written\n`);
    return 0;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

process.exitCode = await main();
