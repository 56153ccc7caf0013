/**
 * Pure: columns' storage, statistics and compression settings and the extended statistics objects, applied with
 * the tables before the data (rows are then stored with their column's settings, and the load's ANALYZE builds the
 * statistics). A compression method the target server was built without is left out with a warning naming the
 * column; verify then reports that column's compression as different.
 */
import { isColumnSetting, renderRelationSetting, renderStatistics } from '../model/ddl/render-relation-settings.js';
import type { Finding } from '../model/findings.js';
import type { QualifiedName, SchemaModel } from '../model/schema-model.js';

/** Each statement with the relation it belongs to: a setting cannot outlive its table. */
export function planColumnSettings(
  model: SchemaModel,
  toastCompressions: readonly string[],
): { statements: Array<{ sql: string; table: QualifiedName }>; warnings: Finding[] } {
  const settings = model.relationSettings.filter(isColumnSetting);
  const unavailable = settings.filter((s) => s.setting === 'compression' && s.value !== 'default' && !toastCompressions.includes(s.value));
  const statements = [
    ...settings.filter((s) => !unavailable.includes(s)).map((s) => ({ sql: renderRelationSetting(s), table: s.table })),
    ...model.statistics.flatMap((s) => renderStatistics(s).map((sql) => ({ sql, table: s.table }))),
  ];
  const warnings = unavailable.map((s) => ({
    code: 'COMPRESSION_NOT_AVAILABLE',
    message: `column ${s.table.schema}.${s.table.name}.${s.column} keeps the target's default compression: the target server offers ${toastCompressions.join(', ')}, not ${s.value}`,
    hint: `Use a target server built with ${s.value}, or accept the default compression (verify reports this column's compression as different).`,
  }));
  return { statements, warnings };
}
