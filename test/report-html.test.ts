import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderReport } from '../src/api/report.js';
import type { BackupManifest } from '../src/model/backup-manifest.js';
import type { RunRecord } from '../src/model/run-record.js';
import { openPage, phone } from './harness/chromium.js';

const hostile = `</svg><script>document.title='owned'</script> & "quoted" 'name'`;
const tableNames = [`app.${hostile}`, ...Array.from({ length: 14 }, (_, i) => `app.a_rather_long_table_name_number_${i}_that_does_not_fit_a_phone`)];

/** A log of a migrate killed during its load, then resumed to the end: every section of the report has content. */
function sampleLog(): RunRecord[] {
  const t0 = Date.parse('2025-03-01T10:00:00.000Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const start = (attempt: string, s: number): RunRecord => ({ type: 'run:start', at: at(s), attempt, command: 'migrate', version: '0.1.0', source: 'postgres://app:****@old/app', target: 'postgres://app:****@new/app', plan: { source: 'postgres://app:****@old/app', jobs: 2 } });
  const phase = (attempt: string, name: string, from: number, to?: number): RunRecord[] => [
    { type: 'phase:start', phase: name, at: at(from), attempt },
    ...(to === undefined ? [] : [{ type: 'phase:end' as const, phase: name, at: at(to), ms: (to - from) * 1000, attempt }]),
  ];
  const copy = (attempt: string, table: string, chunk: number, s: number, rows: number): RunRecord[] => [
    { type: 'step:start', phase: 'copy', step: `copy:${table}#${chunk}`, at: at(s - 2), attempt },
    { type: 'step:done', phase: 'copy', step: `copy:${table}#${chunk}`, ms: 2000, rows, bytes: rows * 100, at: at(s), attempt },
  ];
  const manifest: BackupManifest = {
    formatVersion: 1,
    kind: 'pg_dump',
    createdAt: at(5),
    source: { display: 'postgres://app:****@old/app', serverVersion: '16.4', major: 16, database: 'app' },
    tool: { path: 'pg_dump', version: '17.2' },
    files: [{ path: 'app.dump', bytes: 123456, sha256: 'ab'.repeat(32), createdAt: at(7), role: 'archive' }],
    tables: [{ table: tableNames[0]!, rows: 10 }],
    hooks: [{ name: 'volume-snapshot', command: 'snapshot create vol_1', startedAt: at(4), ms: 900, exitCode: 0, timedOut: false, outputTail: 'ok' }],
    check: { listedEntries: 42, testRestore: { status: 'equal', ms: 3000, database: 'scratch', differences: 0, compared: 'counts and checksums', differing: [] } },
    notes: [],
  };
  return [
    start('a1', 0),
    ...phase('a1', 'preflight', 0, 2),
    ...phase('a1', 'backup', 2, 8),
    { type: 'backup:done', dir: 'backup', manifest, at: at(8), attempt: 'a1' },
    ...phase('a1', 'provision', 8, 9),
    ...phase('a1', 'schema:pre', 9, 11),
    ...phase('a1', 'load', 11),
    ...copy('a1', tableNames[0]!, 1, 14, 10),
    ...copy('a1', tableNames[1]!, 1, 15, 5000),
    { type: 'warning', code: 'TABLES_WITHOUT_KEY', message: `${hostile} has no primary key`, at: at(15), attempt: 'a1' },
    start('a2', 60),
    ...phase('a2', 'preflight', 60, 61),
    ...phase('a2', 'load', 61, 90),
    ...tableNames.slice(1).flatMap((t, i) => copy('a2', t, 2, 63 + i, 1000 * (i + 1))),
    ...phase('a2', 'schema:post', 90, 92),
    ...phase('a2', 'verify', 92, 99),
    {
      type: 'run:end',
      at: at(100),
      attempt: 'a2',
      status: 'migrated',
      ms: 40_000,
      facts: {
        verification: {
          differences: 1,
          tables: tableNames.map((table) => ({ table, sourceRows: 10, targetRows: 10, content: 'equal' as const, differingRows: 0 })),
          schema: [{ object: `table ${hostile}`, property: 'comment', source: 'a very long comment '.repeat(20), target: '(none)' }],
          sequences: [],
          largeObjects: null,
        },
      },
    },
  ];
}

interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  /** Within the page's width, or inside a box that scrolls sideways and is itself within the page. */
  reachable: boolean;
  visible: boolean;
}

/** Measures an element in the page; written out as a string since it runs in Chromium. */
const measure = `(element) => {
  const r = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  const visible = style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
  const pageWidth = document.documentElement.clientWidth;
  let reachable = r.left >= 0 && r.right <= pageWidth + 0.5;
  if (!reachable) {
    const box = element.closest('.scroll');
    const b = box && box.getBoundingClientRect();
    const scrolls = box && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX) && box.scrollWidth > box.clientWidth;
    reachable = Boolean(scrolls && b.left >= 0 && b.right <= pageWidth + 0.5 && b.width > 0);
  }
  return { width: r.width, height: r.height, left: r.left, right: r.right, reachable, visible };
}`;

describe('report.html in headless Chromium at a phone width', () => {
  it('shows the timeline, the throughput chart and every table, each on the page or in a box that scrolls sideways; hostile names are text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgferry-report-html-'));
    writeFileSync(join(dir, 'events.ndjson'), sampleLog().map((r) => JSON.stringify(r)).join('\n') + '\n');
    const rendered = renderReport(dir);
    assert.equal(rendered.status, 'rendered', JSON.stringify(rendered));
    const page = await openPage(join(dir, 'report.html'), phone);
    try {
      const facts = await page.evaluate<{
        innerWidth: number;
        pageScrollWidth: number;
        title: string;
        scripts: number;
        timeline: Box | null;
        timelineBars: number[];
        throughput: Box | null;
        throughputBars: number;
        tables: Array<{ id: string; rows: number; box: Box }>;
        cellTexts: string[];
      }>(`(() => {
        const measure = ${measure};
        const svg = (id) => document.getElementById(id);
        return {
          innerWidth: window.innerWidth,
          pageScrollWidth: document.documentElement.scrollWidth,
          title: document.title,
          scripts: document.querySelectorAll('script').length,
          timeline: svg('timeline') && measure(svg('timeline')),
          timelineBars: [...document.querySelectorAll('#timeline rect.bar')].map((r) => r.getBoundingClientRect().width),
          throughput: svg('throughput') && measure(svg('throughput')),
          throughputBars: document.querySelectorAll('#throughput rect.bar').length,
          tables: [...document.querySelectorAll('table')].map((t) => ({ id: t.id, rows: t.querySelectorAll('tbody tr').length, box: measure(t) })),
          cellTexts: [...document.querySelectorAll('td')].map((td) => td.textContent),
        };
      })()`);
      assert.equal(facts.innerWidth, phone.width, 'the page is laid out at the phone width');
      assert.ok(facts.pageScrollWidth <= phone.width, `the page itself does not scroll sideways (${facts.pageScrollWidth} px wide)`);
      assert.equal(facts.scripts, 0, 'a table name cannot inject a script');
      assert.doesNotMatch(facts.title, /owned/);

      assert.ok(facts.timeline, 'the timeline chart is there');
      assert.ok(facts.timeline.width > 200 && facts.timeline.height > 100 && facts.timeline.visible && facts.timeline.reachable, JSON.stringify(facts.timeline));
      assert.equal(facts.timelineBars.length, 9, 'one bar per phase of both attempts');
      assert.ok(facts.timelineBars.every((w) => w > 0), 'every bar has a width');
      assert.ok(facts.throughput && facts.throughput.width > 200 && facts.throughput.visible && facts.throughput.reachable, JSON.stringify(facts.throughput));
      assert.equal(facts.throughputBars, 10, 'the ten largest tables are charted');

      const byId = new Map(facts.tables.map((t) => [t.id, t]));
      assert.equal(byId.get('execution-log')?.rows, 9);
      assert.equal(byId.get('tables')?.rows, 15);
      assert.equal(byId.get('verification')?.rows, 15);
      for (const table of facts.tables) {
        assert.ok(table.box.width > 0 && table.box.height > 0 && table.box.visible, `table ${table.id || '(kv)'} is visible: ${JSON.stringify(table.box)}`);
        assert.ok(table.box.reachable, `table ${table.id || '(kv)'} fits the page or scrolls in its box: ${JSON.stringify(table.box)}`);
      }
      assert.ok(facts.cellTexts.includes(`app.${hostile}`), 'the hostile name shows as text');
      assert.ok(facts.cellTexts.some((t) => /interrupted/.test(t)), 'the killed attempt\'s load is interrupted');

      // The screenshot, decoded by the browser itself: most of it is not the white background.
      const png = await page.screenshot();
      const inked = await page.evaluate<number>(`new Promise((resolve) => {
        const image = new Image();
        image.onload = () => {
          const canvas = document.createElement('canvas');
          canvas.width = image.width; canvas.height = image.height;
          const context = canvas.getContext('2d');
          context.drawImage(image, 0, 0);
          const data = context.getImageData(0, 0, image.width, image.height).data;
          let ink = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink += 1;
          resolve(ink / (data.length / 4));
        };
        image.src = 'data:image/png;base64,${png.toString('base64')}';
      })`);
      assert.ok(inked > 0.02, `the screenshot shows something (${(inked * 100).toFixed(1)} % of pixels inked)`);
    } finally {
      await page.close();
    }
  });
});
