/** Renders a verify result: ✓/✗ per table with counts, the differing rows, schema and sequence differences, verdict. */
import type { VerifyResult } from '../../api/verify.js';
import type { VerifyFacts } from '../../phases/verify.js';
import { table } from './preflight-text.js';
import { formatCount, formatMs } from '../../model/units.js';

type Compared = Extract<VerifyResult, { status: 'equal' | 'different' }>;

function clip(text: string | undefined, width = 100): string {
  if (text === undefined) return '(none)';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

export function renderVerifyText(result: Compared): string {
  const out = [`pgferry verify: ${result.source} ↔ ${result.target}`, '', ...renderVerification(result)];
  out.push(
    result.status !== 'equal'
      ? `DIFFERENT: ${result.differences} difference(s) found in ${formatMs(result.ms)}`
      : keptOut(result)
        ? `EQUAL EXCEPT SET ASIDE: ${result.tables.length} tables, schema and sequences checked in ${formatMs(result.ms)}; kept from the target: ${setAsideSummary(result)}`
        : `EQUAL: ${result.tables.length} tables, schema and sequences checked in ${formatMs(result.ms)}`,
  );
  return out.join('\n');
}

/** Whether the source keeps something from the target on purpose: rows or values (the value policy), objects (the mapping). */
export function keptOut(result: VerifyFacts): boolean {
  return result.setAside.length > 0 || result.leftOut.length > 0;
}

/** "3 row(s), 2 value(s) made NULL and 1 object(s) the mapping leaves out" kept from the target. */
export function setAsideSummary(result: VerifyFacts): string {
  const rows = result.setAside.reduce((n, t) => n + t.rows, 0);
  const values = result.setAside.reduce((n, t) => n + t.values, 0);
  const parts = [rows > 0 ? `${formatCount(rows)} row(s)` : '', values > 0 ? `${formatCount(values)} value(s) made NULL` : '', result.leftOut.length > 0 ? `${result.leftOut.length} object(s) the mapping leaves out` : ''].filter(Boolean);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? '');
}

function renderSetAside(result: VerifyFacts): string[] {
  const out: string[] = [];
  if (result.leftOut.length > 0) out.push(`Left out by the mapping (reported before the run; not counted as differences): ${result.leftOut.join(', ')}`, '');
  if (result.setAside.length === 0) return out;
  out.push('Set aside by the value policy (in the run\'s reject files; not on the target, not counted as differences)');
  for (const t of result.setAside) {
    out.push(`  ! ${t.table}: ${[t.rows > 0 ? `${formatCount(t.rows)} row(s) left out` : '', t.values > 0 ? `${formatCount(t.values)} value(s) made NULL` : ''].filter(Boolean).join(', ')}`);
    for (const e of t.examples) out.push(`      rowid ${e.rowid}, column ${e.column}: ${clip(e.value, 60)} ${e.action === 'nulled' ? 'made NULL' : 'rejected'}: ${e.reason}`);
  }
  out.push('');
  return out;
}

/** The body shared by `verify` and the end of `migrate`: per-table verdicts, differing rows, schema, sequences. */
export function renderVerification(result: VerifyFacts): string[] {
  const out: string[] = [];
  const rows = result.tables.map((t) => {
    const equal = t.sourceRows === t.targetRows && t.content !== 'different';
    const content = t.content === 'not compared' ? 'counts only' : t.content === 'equal' ? 'equal' : t.problem ? t.problem : `${t.differingRowsExact ? '' : 'at least '}${formatCount(t.differingRows)} row(s) differ`;
    return [equal ? '✓' : '✗', t.table, formatCount(t.sourceRows), formatCount(t.targetRows), content];
  });
  out.push(table(['', 'table', 'source rows', 'target rows', 'content'], rows), '');
  for (const t of result.tables.filter((v) => v.content === 'different')) {
    out.push(`✗ ${t.table}${t.problem ? `: ${t.problem}` : ''}`);
    for (const d of t.differences.filter((x) => x.source !== undefined || x.target !== undefined)) {
      out.push(`    ${d.kind} key ${d.key}`, `      source: ${clip(d.source)}`, `      target: ${clip(d.target)}`);
    }
    const shown = t.differences.filter((x) => x.source !== undefined || x.target !== undefined).reduce((n, x) => n + (x.rows ?? 1), 0);
    const hidden = t.differingRows - shown;
    if (hidden > 0) out.push(`    … and ${t.differingRowsExact ? '' : 'at least '}${formatCount(hidden)} more (raise --max-diffs to see them)`);
  }
  if (result.schema.length > 0) {
    out.push(`Schema differences (${result.schema.length})`);
    for (const d of result.schema) out.push(`  ✗ ${d.object}: ${d.property}: source ${clip(d.source, 80)}, target ${clip(d.target, 80)}`);
    out.push('');
  } else out.push('Schema: ✓ equal', '');
  if (result.sequences.length > 0) {
    out.push(`Sequences (${result.sequences.length})`);
    for (const s of result.sequences) out.push(`  ✗ ${s.sequence}: ${s.problem}`);
    out.push('');
  } else out.push('Sequences: ✓ as on the source', '');
  out.push(...renderLargeObjects(result));
  out.push(...renderSetAside(result));
  return out;
}

/** At most this many large-object differences are listed; the rest are counted. */
const shownLargeObjectDifferences = 20;

function renderLargeObjects(result: VerifyFacts): string[] {
  const verdict = result.largeObjects;
  if (!verdict || (verdict.sourceObjects === 0 && verdict.targetObjects === 0)) return [];
  if (verdict.differences.length === 0) return [`Large objects: ✓ ${formatCount(verdict.sourceObjects)} equal (data, owner, grants, comment)`, ''];
  const out = [`Large objects (${verdict.differences.length} difference(s); ${formatCount(verdict.sourceObjects)} on the source, ${formatCount(verdict.targetObjects)} on the target)`];
  for (const d of verdict.differences.slice(0, shownLargeObjectDifferences)) {
    out.push(`  ✗ large object ${d.oid}: ${d.property}: source ${clip(d.source, 80)}, target ${clip(d.target, 80)}`);
  }
  const hidden = verdict.differences.length - shownLargeObjectDifferences;
  if (hidden > 0) out.push(`  … and ${formatCount(hidden)} more`);
  out.push('');
  return out;
}
