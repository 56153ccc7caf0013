/**
 * Pure: rules, created after the data so they never acted on the load's rows, then replica identities and CLUSTER
 * ON marks, once the indexes they name exist.
 */
import { isColumnSetting, renderRelationSetting, renderRule } from '../model/ddl/render-relation-settings.js';
import type { SchemaModel } from '../model/schema-model.js';

export function planRulesAndRelationSettings(model: SchemaModel): string[] {
  return [...model.rules.flatMap(renderRule), ...model.relationSettings.filter((s) => !isColumnSetting(s)).map(renderRelationSetting)];
}
