/** Pure: rules, extended statistics, and the settings ALTER TABLE gives tables and columns after CREATE. */
import { qualifiedName, quoteIdent } from '../../endpoints/postgres/sql.js';
import type { RelationSettingDef, RuleDef, StatisticsDef } from '../schema-model.js';
import type { RoleResolver } from './render-privileges.js';

const ruleStates: Record<RuleDef['enabled'], string | null> = { O: null, D: 'DISABLE RULE', R: 'ENABLE REPLICA RULE', A: 'ENABLE ALWAYS RULE' };

export function renderRule(rule: RuleDef): string[] {
  const state = ruleStates[rule.enabled];
  return [rule.definition, ...(state ? [`ALTER TABLE ${qualifiedName(rule.table.schema, rule.table.name)} ${state} ${quoteIdent(rule.name)}`] : [])];
}

export function renderStatistics(statistics: StatisticsDef): string[] {
  const target = statistics.target === null ? [] : [`ALTER STATISTICS ${qualifiedName(statistics.schema, statistics.name)} SET STATISTICS ${statistics.target}`];
  return [statistics.definition, ...target];
}

/** ALTER MATERIALIZED VIEW takes no ONLY; ALTER TABLE ONLY keeps a setting off the partitions and children, which state their own. */
function alterRelation(setting: RelationSettingDef): string {
  const name = qualifiedName(setting.table.schema, setting.table.name);
  const alter = { 'materialized view': 'ALTER MATERIALIZED VIEW', index: 'ALTER INDEX', table: 'ALTER TABLE ONLY' }[setting.relationKind];
  return `${alter} ${name}`;
}

/**
 * Whether a setting belongs to a table's column (set before the data, so the rows are stored with it); an index
 * column's statistics target waits for its index.
 */
export function isColumnSetting(setting: RelationSettingDef): boolean {
  return setting.column !== null && setting.relationKind !== 'index';
}

/** An index column is named by its number: its name is made up by the server ("expr", "expr1"…). */
function columnOf(setting: RelationSettingDef): string {
  return setting.relationKind === 'index' ? String(Number(setting.column)) : quoteIdent(setting.column!);
}

export function renderRelationSetting(setting: RelationSettingDef): string {
  const relation = alterRelation(setting);
  switch (setting.setting) {
    case 'replica identity':
      return `${relation} REPLICA IDENTITY ${setting.value}`;
    case 'cluster on':
      return `${relation} CLUSTER ON ${quoteIdent(setting.value)}`;
    case 'storage':
      return `${relation} ALTER COLUMN ${quoteIdent(setting.column!)} SET STORAGE ${setting.value.toUpperCase()}`;
    case 'statistics':
      return `${relation} ALTER COLUMN ${columnOf(setting)} SET STATISTICS ${Number(setting.value)}`;
    case 'compression':
      return `${relation} ALTER COLUMN ${quoteIdent(setting.column!)} SET COMPRESSION ${setting.value === 'default' ? 'DEFAULT' : quoteIdent(setting.value)}`;
  }
}

/** ALTER STATISTICS … OWNER TO the role that stands for the source's owner, when there is one. */
export function renderStatisticsOwner(statistics: StatisticsDef, resolve: RoleResolver): string[] {
  const owner = resolve(statistics.owner);
  return owner ? [`ALTER STATISTICS ${qualifiedName(statistics.schema, statistics.name)} OWNER TO ${quoteIdent(owner)}`] : [];
}
