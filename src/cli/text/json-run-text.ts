/** Renders the JSON source's migrate, verify and export results as text. */
import type { JsonExportResult, JsonMigrateResult, JsonVerification, JsonVerifyResult } from '../../api/json-runs.js';
import { jsonTextOf } from '../../model/json/json-text.js';
import { formatCount, formatMs } from '../../model/units.js';
import { findingSection, table } from './preflight-text.js';

type Done<R> = Exclude<R, { status: 'failed' }>;

function verificationLines(v: JsonVerification): string[] {
  const out = [
    table(
      ['collection', 'file', 'PostgreSQL', 'equal', 'missing', 'extra', 'differing', 'set aside', 'accuracy'],
      v.collections.map((c) => [c.collection, formatCount(c.sourceRecords), formatCount(c.targetRecords), formatCount(c.equal), formatCount(c.missing), formatCount(c.extra), formatCount(c.differing), formatCount(c.setAside), `${c.accuracy}%`]),
    ),
  ];
  for (const c of v.collections) {
    for (const d of c.examples) {
      const what = d.kind === 'different' ? `differs in ${d.fields!.join(', ')}` : d.kind === 'missing' ? 'is in the file, not in PostgreSQL' : 'is in PostgreSQL, not in the file';
      out.push(`  ${c.collection} ${d.key} ${what}`);
    }
    if (c.setAside > 0) out.push(`  ${c.collection}: ${c.setAside} record(s) of the file cannot be loaded into PostgreSQL, not compared:`);
    for (const a of c.setAsideExamples) out.push(`    ${c.collection} ${a.key}: ${a.field}: ${a.reason}`);
  }
  return out;
}

function verdict(v: JsonVerification): string {
  if (v.differences > 0) return `DIFFERENT: ${v.differences} record(s) missing, extra or differing`;
  return v.setAside > 0 ? `EQUAL EXCEPT SET ASIDE: ${v.setAside} record(s) that cannot be loaded` : 'EQUAL';
}

export function renderJsonMigrateText(result: Done<JsonMigrateResult>): string {
  const out = [`pgferry migrate: ${result.source} → ${result.target}`, ''];
  out.push(...findingSection('Warnings', '!', result.warnings));
  if (result.tablesCreated.length > 0) out.push(`Tables created: ${result.tablesCreated.join(', ')}`, '');
  out.push(
    'Collections',
    table(
      ['collection', 'read', 'inserted', 'updated', 'unchanged', 'rejected', 'nested rows written'],
      result.collections.map((c) => [c.collection, formatCount(c.read), formatCount(c.inserted), formatCount(c.updated), formatCount(c.unchanged), formatCount(c.rejected), formatCount(c.children.reduce((n, t) => n + t.inserted + t.updated + t.deleted, 0))]),
    ),
    '',
  );
  for (const c of result.collections) {
    for (const e of c.examples) out.push(`  rejected: ${c.collection} record ${e.record}${e.key ? ` ${jsonTextOf(e.key)}` : ''}: ${e.field}: ${e.reason}`);
    if (c.goneMeanwhile > 0) out.push(`  ${c.collection}: ${formatCount(c.read)} read = ${formatCount(c.loaded)} loaded + ${formatCount(c.rejected)} rejected + ${formatCount(c.goneMeanwhile)} deleted from the file while the backfill ran`);
  }
  if (result.verification) out.push('Verification', ...verificationLines(result.verification), '');
  const records = result.collections.reduce((n, c) => n + c.loaded, 0);
  out.push(`MIGRATED: ${formatCount(records)} records in ${result.collections.length} collections in ${formatMs(result.ms)}${result.verification ? `, ${verdict(result.verification)}` : ', not verified (verify: false)'}`);
  return out.join('\n');
}

export function renderJsonVerifyText(result: Done<JsonVerifyResult>): string {
  return [`pgferry verify: ${result.source} ↔ ${result.target}`, '', ...verificationLines(result), '', `${verdict(result)} (${formatMs(result.ms)})`].join('\n');
}

export function renderJsonExportText(result: Done<JsonExportResult>): string {
  return [
    `pgferry export: ${result.source} → ${result.target}`,
    '',
    table(['collection', 'records', 'file'], result.collections.map((c) => [c.collection, formatCount(c.records), c.file])),
    '',
    `EXPORTED: ${formatCount(result.collections.reduce((n, c) => n + c.records, 0))} records in ${formatMs(result.ms)}`,
  ].join('\n');
}
