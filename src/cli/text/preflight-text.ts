/** Renders a preflight result as the readable text the CLI prints: blockers, warnings, then facts. */
import Table from 'cli-table3';
import type { PreflightResult } from '../../api/preflight.js';
import type { Finding } from '../../model/findings.js';
import { serverProduct, type CollationFacts, type ServerFacts, type SourceInventory, type TargetInventory } from '../../model/inventory.js';
import type { LocalFacts } from '../../run/local-disk.js';
import { formatBytes, formatCount, formatMs } from '../../model/units.js';

type Facts = Extract<PreflightResult, { status: 'ready' | 'blocked' }>;

export function renderPreflightText(result: Facts): string {
  const out: string[] = [];
  out.push(`pgferry preflight: ${result.source.display} → ${result.target.display}`, '');
  out.push(...findingSection('Blockers', '✗', result.blockers), ...findingSection('Warnings', '!', result.warnings));
  out.push('Facts', ...sourceFacts(result.source.inventory), ...targetFacts(result.target.inventory), ...localFacts(result.local), '');
  const verdict =
    result.status === 'ready'
      ? `READY: no blockers (${result.warnings.length} warning(s)); checked in ${formatMs(result.ms)}`
      : `BLOCKED: ${result.blockers.length} blocker(s) must be fixed before migrating; checked in ${formatMs(result.ms)}`;
  out.push(verdict);
  return out.join('\n');
}

export function findingSection(title: string, mark: string, findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [`${title}: none`, ''];
  const lines = [`${title} (${findings.length})`];
  for (const f of findings) {
    lines.push(`  ${mark} [${f.code}] ${f.message}`);
    if (f.hint) lines.push(`      → ${f.hint}`);
  }
  return [...lines, ''];
}

function serverLine(side: string, server: ServerFacts, collation: CollationFacts, path: string): string {
  const who = `${server.user}${server.isSuperuser ? ' (superuser)' : ''}`;
  const coll = `${collation.provider} ${collation.locale ?? collation.collate}${collation.actualVersion ? ` v${collation.actualVersion}` : ''}`;
  return `  ${side}: ${serverProduct(server.version)}, database ${server.database} (${formatBytes(server.databaseBytes)}), as ${who}, collation ${coll}, connection ${path}, max_connections ${server.maxConnections}`;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString().split('\n').map((l) => `    ${l}`).join('\n');
}

function list(label: string, items: readonly string[]): string {
  return `    ${label}: ${items.length === 0 ? 'none' : items.join(', ')}`;
}

function sourceFacts(s: SourceInventory): string[] {
  const lines = [serverLine('Source', s.server, s.collation, s.path.kind)];
  const exact = s.tables.every((t) => t.rowsExact);
  lines.push(`    Tables: ${s.tables.length} (${exact ? 'exact row counts' : 'estimated row counts'})`);
  if (s.tables.length > 0) {
    lines.push(
      table(
        ['table', 'kind', 'rows', 'size', 'primary key', 'replica identity'],
        s.tables.map((t) => [
          `${t.schema}.${t.name}`,
          `${t.kind}${t.unlogged ? ', unlogged' : ''}`,
          `${t.rowsExact ? '' : '~'}${formatCount(t.rows)}`,
          formatBytes(t.totalBytes),
          t.hasPrimaryKey ? 'yes' : 'NO',
          t.replicaIdentity,
        ]),
      ),
    );
  }
  lines.push(list('Schemas', s.schemas));
  lines.push(list('Extensions', s.extensions.map((e) => `${e.name} ${e.version} (schema ${e.schema})`)));
  lines.push(list('Roles that own objects or hold grants', s.roles.map((r) => `${r.name} (owns ${r.ownedObjects}, grants ${r.grants}${r.superuser ? ', superuser' : ''}${r.canLogin ? '' : ', no login'})`)));
  lines.push(list('Other sessions on the database', s.server.connections.map((c) => `${c.count}× ${c.user}/${c.application || '(no application_name)'}`)));
  lines.push(list('Schema-migration tables', s.migrationTables.map((m) => `${m.tool} ${m.schema}.${m.table} at ${m.currentVersion ?? '(unknown)'} (${m.entries} entries)`)));
  lines.push(list('Tables without primary key', s.tables.filter((t) => !t.hasPrimaryKey && t.kind !== 'partitioned').map((t) => `${t.schema}.${t.name}`)));
  lines.push(list('Unlogged tables', s.tables.filter((t) => t.unlogged).map((t) => `${t.schema}.${t.name}`)));
  lines.push(list('Partitioned tables', s.tables.filter((t) => t.kind === 'partitioned').map((t) => `${t.schema}.${t.name}`)));
  lines.push(list('Sequences', s.sequences.map((q) => `${q.schema}.${q.name} (${q.dataType}, last ${q.lastValue ?? 'not called'})`)));
  lines.push(`    Large objects: ${s.largeObjects}${s.largeObjects > 0 ? `, ${s.largeObjectBytes === null ? 'size unknown (not readable by this role)' : formatBytes(s.largeObjectBytes)}` : ''}`);
  lines.push(list('Not migrated by pgferry', s.unsupported.map((o) => `${o.kind} ${o.name}`)));
  return lines;
}

function targetFacts(t: TargetInventory): string[] {
  const inUse = t.server.connections.reduce((n, c) => n + c.count, 0);
  return [
    serverLine('Target', t.server, t.collation, t.path.kind),
    `    Contents: ${t.existingObjectCount === 0 ? 'empty' : `${t.existingObjectCount} object(s), e.g. ${t.existingObjects.join(', ')}`}`,
    `    Privileges: create schemas ${t.privileges.canCreateSchemas ? 'yes' : 'NO'}${t.privileges.schemasWithoutCreate.length ? `; no CREATE in ${t.privileges.schemasWithoutCreate.join(', ')}` : ''}`,
    `    Connections: ${inUse} other session(s) of ${t.server.maxConnections} allowed`,
    `    Extensions offered: ${t.availableExtensions.length}`,
  ];
}

function localFacts(l: LocalFacts): string[] {
  return [`  Local: run directory ${l.runDir}, ${formatBytes(l.freeBytes)} free; a backup of the source may need up to ${formatBytes(l.estimatedBackupBytes)}`];
}
