/** Preflight: inventories both ends and the local disk, then says whether the move can go ahead. Reads only. */
import type { Finding } from '../model/findings.js';
import type { SourceInventory, TargetInventory } from '../model/inventory.js';
import type { Plan } from '../plan/plan-schema.js';
import type { SchemaModel } from '../model/schema-model.js';
import { emitter, type EventListener } from '../model/events.js';
import { readLocalFacts, type LocalFacts } from '../run/local-disk.js';
import type { RunEndpoints } from '../run/open-run-endpoints.js';
import { assessPreflight } from './preflight-assess.js';
import { planSchemaRehearsal, rehearsalFindings } from './preflight-schema.js';
import { timedPhase } from './timed-phase.js';

export interface PreflightFacts {
  readonly source: { readonly display: string; readonly inventory: SourceInventory };
  readonly target: { readonly display: string; readonly inventory: TargetInventory };
  readonly local: LocalFacts;
  readonly blockers: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/** `resuming`: the target holds what an unfinished run of this plan created, so its objects are expected. */
export async function runPreflight(plan: Plan, endpoints: RunEndpoints, onEvent?: EventListener, resuming = false): Promise<{ facts: PreflightFacts; schema: SchemaModel }> {
  const emit = emitter(onEvent);
  return timedPhase(emit, 'preflight', () => readAndAssess(plan, endpoints, emit, onEvent, resuming));
}

async function readAndAssess(
  plan: Plan,
  endpoints: RunEndpoints,
  emit: EventListener,
  onEvent: EventListener | undefined,
  resuming: boolean,
): Promise<{ facts: PreflightFacts; schema: SchemaModel }> {
  const source = await endpoints.source.inventorySource({ estimateCounts: plan.preflight.estimateCounts, jobs: plan.jobs, onEvent });
  emit({ type: 'step', phase: 'preflight', endpoint: 'target', what: 'server, privileges, extensions, emptiness' });
  const target = await endpoints.target.inventoryTarget(source.schemas);
  const local = await readLocalFacts(plan.runDir, source.server.databaseBytes);
  const assessed = assessPreflight(source, target, local, plan, resuming);
  const blockers = [...assessed.blockers];
  const warnings = [...assessed.warnings];
  // The schema tried on the target, rolled back: only meaningful on an empty target (otherwise it would collide with
  // what is there) and before a run has started writing.
  const schema = await endpoints.source.readSchema();
  if (!resuming && target.existingObjectCount === 0) {
    emit({ type: 'step', phase: 'preflight', endpoint: 'target', what: 'the schema, tried in a transaction that is rolled back' });
    const rehearsal = rehearsalFindings(await endpoints.target.rehearse(planSchemaRehearsal(schema, target.availableExtensions, target.toastCompressions)), schema);
    blockers.push(...rehearsal.blockers);
    warnings.push(...rehearsal.warnings);
  }
  const facts = {
    source: { display: endpoints.source.display, inventory: source },
    target: { display: endpoints.target.display, inventory: target },
    local,
    blockers,
    warnings,
  };
  return { facts, schema };
}
