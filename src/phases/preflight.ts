/** Preflight: inventories both ends and the local disk, then says whether the move can go ahead. Reads only. */
import type { Finding } from '../model/findings.js';
import type { SourceInventory, TargetInventory } from '../model/inventory.js';
import type { Plan } from '../plan/plan-schema.js';
import { emitter, type EventListener } from '../run/events.js';
import { readLocalFacts, type LocalFacts } from '../run/local-disk.js';
import type { RunEndpoints } from '../run/open-run-endpoints.js';
import { assessPreflight } from './preflight-assess.js';

export interface PreflightFacts {
  readonly source: { readonly display: string; readonly inventory: SourceInventory };
  readonly target: { readonly display: string; readonly inventory: TargetInventory };
  readonly local: LocalFacts;
  readonly blockers: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/** `resuming`: the target holds what an unfinished run of this plan created, so its objects are expected. */
export async function runPreflight(plan: Plan, endpoints: RunEndpoints, onEvent?: EventListener, resuming = false): Promise<PreflightFacts> {
  const emit = emitter(onEvent);
  const started = Date.now();
  emit({ type: 'phase:start', phase: 'preflight', at: new Date(started).toISOString() });
  const source = await endpoints.source.inventorySource({ estimateCounts: plan.preflight.estimateCounts, jobs: plan.jobs, onEvent });
  emit({ type: 'step', phase: 'preflight', endpoint: 'target', what: 'server, privileges, extensions, emptiness' });
  const target = await endpoints.target.inventoryTarget(source.schemas);
  const local = await readLocalFacts(plan.runDir, source.server.databaseBytes);
  const { blockers, warnings } = assessPreflight(source, target, local, plan, resuming);
  emit({ type: 'phase:end', phase: 'preflight', at: new Date().toISOString(), ms: Date.now() - started });
  return {
    source: { display: endpoints.source.display, inventory: source },
    target: { display: endpoints.target.display, inventory: target },
    local,
    blockers,
    warnings,
  };
}
