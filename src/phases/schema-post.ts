/**
 * Schema after the data: triggers (so they never fired during the load), row-level security and policies, rules,
 * replica identities and CLUSTER ON marks, sequence values from the source, comments, then owners and grants. Each group is journaled: DDL in batches of
 * one transaction each, sequences and privileges as one step.
 */
import type { SourceEndpoint, TargetSession } from '../endpoints/endpoint.js';
import { renderComment, renderPolicy, renderRowSecurity, renderTrigger } from '../model/ddl/render-post-data.js';
import { renderObjectPrivileges, renderSchemaPrivileges, type RoleResolver } from '../model/ddl/render-privileges.js';
import { renderStatisticsOwner } from '../model/ddl/render-relation-settings.js';
import type { Finding } from '../model/findings.js';
import type { LargeObjectMetadata } from '../model/large-objects.js';
import { sequencesOf, tablesOf, type SchemaModel } from '../model/schema-model.js';
import { emitter, type EventListener } from '../model/events.js';
import type { Journal } from '../run/journal.js';
import { runJournaledStep } from './journaled-step.js';
import { applyAccess, applyPrivilegeStatements } from './apply-access.js';
import { applyJournaledBatches } from './journaled-transaction.js';
import { applySchemaUnits } from './apply-schema-units.js';
import { applyLargeObjectMetadata, largeObjectMetadataStep } from './large-object-metadata.js';
import { planRulesAndRelationSettings } from './plan-rules-and-relation-settings.js';
import type { ServerObjectsPlan } from './server-objects.js';

export interface SchemaPostOptions {
  readonly journal: Journal;
  readonly source: SourceEndpoint;
  readonly target: TargetSession;
  readonly resolveRole: RoleResolver;
  readonly onEvent?: EventListener;
  /** The source's large objects' owners, grants and comments (the load created the objects). */
  readonly largeObjects?: () => Promise<LargeObjectMetadata[]>;
  /** Publications are created before owners change hands, event triggers after everything else. */
  readonly serverObjects?: ServerObjectsPlan;
  /** What the target refused earlier (OBJECT_REFUSED): what needs it is refused in turn. */
  readonly refused?: ReadonlySet<string>;
}

/**
 * Pure: triggers, row security and policies, with policy roles mapped, and the comments to set. A policy naming a
 * role the target has no counterpart for is left out with a warning (and its comment with it): dropping that role
 * from its list would leave `TO PUBLIC` when it was the only one, or otherwise grant what the role was given to no
 * one it was meant for.
 */
export function planTriggersAndPolicies(model: SchemaModel, resolveRole: RoleResolver): { statements: string[]; skipped: Finding[]; comments: string[] } {
  const skipped: Finding[] = [];
  const left = new Set<string>();
  const policies = model.policies.flatMap((p) => {
    const unmapped = p.roles.filter((r) => resolveRole(r) === null);
    if (unmapped.length === 0) return [renderPolicy(p, p.roles.map((r) => resolveRole(r)!))];
    left.add(JSON.stringify([p.table.schema, p.table.name, p.name]));
    skipped.push({
      code: 'POLICY_NOT_CREATED',
      message: `policy ${p.name} on ${p.table.schema}.${p.table.name} was not created: role(s) ${unmapped.join(', ')} exist neither on the target nor in owners.map`,
      hint: `Create the role(s) on the target or map them with owners.map, then create the policy by hand (verify reports it missing until then).`,
    });
    return [];
  });
  // A policy left out takes its comment with it.
  const comments = model.comments.filter((c) => !c.policy || !left.has(JSON.stringify([c.policy.schema, c.policy.table, c.policy.name]))).map(renderComment);
  return { statements: [...model.triggers.flatMap(renderTrigger), ...tablesOf(model).flatMap(renderRowSecurity), ...policies], skipped, comments };
}

/** Pure: owners and grants of schemas and objects. */
export function planPrivileges(model: SchemaModel, resolveRole: RoleResolver): string[] {
  return [
    ...model.schemas.flatMap((s) => renderSchemaPrivileges(s, resolveRole)),
    ...model.objects.flatMap((o) => renderObjectPrivileges(o, resolveRole)),
    ...model.statistics.flatMap((s) => renderStatisticsOwner(s, resolveRole)),
  ];
}

/**
 * Returns warnings: policies left out because a role has no counterpart on the target, and owners and grants the
 * target refused (a managed target's app user cannot give objects away).
 */
export async function runSchemaPost(model: SchemaModel, options: SchemaPostOptions): Promise<Finding[]> {
  const { journal, target } = options;
  const emit = emitter(options.onEvent);
  const warnings: Finding[] = [];
  const step = (id: string, work: () => Promise<void>) => runJournaledStep(journal, { id, phase: 'schema:post' }, work, emit);
  const triggersAndPolicies = planTriggersAndPolicies(model, options.resolveRole);
  warnings.push(...triggersAndPolicies.skipped);
  // Planned once and kept in the journal, so a resumed run applies the same batches (batch ids are positions).
  const planned = journal.value<{ triggersAndPolicies: string[]; rulesAndSettings?: string[]; comments: string[] }>('post_data_plan') ?? {
    triggersAndPolicies: triggersAndPolicies.statements,
    rulesAndSettings: planRulesAndRelationSettings(model),
    comments: triggersAndPolicies.comments,
  };
  journal.setValue('post_data_plan', planned);
  // DDL groups in journaled transactions: one an earlier attempt committed but did not record is recognised.
  await applyJournaledBatches(journal, target, 'schema:post', 'triggers-and-policies', planned.triggersAndPolicies);
  await applyJournaledBatches(journal, target, 'schema:post', 'rules-and-settings', planned.rulesAndSettings ?? planRulesAndRelationSettings(model));
  // Only the sequences the target holds: an identity column's goes with a table the target refused.
  const sequences = new Set([
    ...sequencesOf(model).map((q) => `${q.schema}.${q.name}`),
    ...tablesOf(model)
      .flatMap((t) => [...t.columns, ...(t.standalone?.columns ?? [])])
      .flatMap((c) => (c.identity ? [`${c.identity.sequence.schema}.${c.identity.sequence.name}`] : [])),
  ]);
  await step('sequences', async () =>
    target.setSequenceValues((await options.source.readSequenceValues()).filter((v) => sequences.has(`${v.schema}.${v.name}`))),
  );
  await applyJournaledBatches(journal, target, 'schema:post', 'comments', planned.comments);
  const refusable = (idPrefix: string, units: ServerObjectsPlan['publications'] = []) =>
    applySchemaUnits(journal, target, { phase: 'schema:post', idPrefix, units, refusedBefore: options.refused ?? new Set() });
  warnings.push(...(await refusable('publications', options.serverObjects?.publications)).warnings);
  await step('privileges', async () => {
    warnings.push(...(await applyPrivilegeStatements(target, planPrivileges(model, options.resolveRole))));
  });
  const largeObjects = options.largeObjects;
  if (largeObjects) {
    await step(largeObjectMetadataStep, async () => void warnings.push(...(await applyLargeObjectMetadata(target, await largeObjects(), options.resolveRole))));
  }
  await step('access', async () => void warnings.push(...(await applyAccess(model, target, options.resolveRole))));
  warnings.push(...(await refusable('event-triggers', options.serverObjects?.eventTriggers)).warnings);
  return warnings;
}
