/**
 * Server-level objects (languages, foreign data, publications, event triggers), each applied on its own under a
 * savepoint so a target that refuses one (a managed target's owner is no superuser) names it in an
 * OBJECT_REFUSED warning and goes on; what needs a refused object is refused in turn. Languages come before the
 * pre-data (functions are written in them), foreign data after it (foreign tables use its types), publications
 * before owners change hands (a publication needs to own its tables), event triggers last so they never fire on
 * migrate's own DDL.
 */
import type { Session } from '../endpoints/postgres/run-query.js';
import { trySavepoint } from '../endpoints/postgres/savepoint.js';
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import {
  renderEventTrigger,
  renderForeignDataWrapper,
  renderForeignServer,
  renderForeignTable,
  renderLanguage,
  renderPublication,
  renderUserMapping,
  userMappingId,
  type RefusableObject,
} from '../model/ddl/render-server-objects.js';
import type { Finding } from '../model/findings.js';
import type { ServerObjects } from '../model/server-objects.js';
import type { Journal } from '../run/journal.js';
import { runJournaledTransaction } from './journaled-transaction.js';

export interface ServerObjectsPlan {
  readonly languages: readonly RefusableObject[];
  readonly foreignData: readonly RefusableObject[];
  readonly publications: readonly RefusableObject[];
  readonly eventTriggers: readonly RefusableObject[];
}

/** Pure. Warnings: user mappings that lose their password, or whose role has no counterpart on the target. */
export function planServerObjects(objects: ServerObjects, resolve: RoleResolver): { plan: ServerObjectsPlan; warnings: Finding[] } {
  const warnings: Finding[] = [];
  const wrappers = objects.foreignDataWrappers.map((w) => renderForeignDataWrapper(w, resolve));
  const wrapperIds = new Set(wrappers.map((w) => w.id));
  const mappings = objects.userMappings.flatMap((m) => {
    const rendered = renderUserMapping(m, resolve);
    if (!rendered) {
      warnings.push({ code: 'OBJECT_REFUSED', message: `${userMappingId(m)} was not created: role ${m.user} has no counterpart on the target` });
      return [];
    }
    if (m.passwordDropped) {
      warnings.push({
        code: 'USER_MAPPING_PASSWORD_DROPPED',
        message: `${userMappingId(m)} was created without its password option (pgferry never copies it)`,
        hint: `Set it on the target: ALTER USER MAPPING FOR ${m.user ?? 'PUBLIC'} SERVER ${m.server} OPTIONS (ADD password '…').`,
      });
    }
    return [rendered];
  });
  const plan = {
    languages: objects.languages.map((l) => renderLanguage(l, resolve)),
    foreignData: [
      ...wrappers,
      ...objects.foreignServers.map((s) => renderForeignServer(s, resolve, wrapperIds)),
      ...mappings,
      ...objects.foreignTables.map((t) => renderForeignTable(t, resolve)),
    ],
    publications: objects.publications.map((p) => renderPublication(p, resolve)),
    eventTriggers: objects.eventTriggers.map((e) => renderEventTrigger(e, resolve)),
  };
  return { plan, warnings };
}

function refused(id: string, reason: string): Finding {
  return {
    code: 'OBJECT_REFUSED',
    message: `${id} was not created: ${reason}`,
    hint: 'Have a role allowed to (usually a superuser) create it on the target; verify reports it missing until then.',
  };
}

/**
 * One journaled transaction: each object's creation under its own savepoint, then its owner, grants and comments
 * one by one (a refused owner or grant is a PRIVILEGE_NOT_APPLIED warning, the object stays). The warnings are
 * journaled with the step, so a resumed run reports them again.
 */
export async function applyRefusableObjects(journal: Journal, target: Session, phase: string, stepId: string, objects: readonly RefusableObject[]): Promise<Finding[]> {
  if (objects.length === 0) return [];
  const warningsKey = `warnings:${stepId}`;
  let warnings: Finding[] = [];
  const outcome = await runJournaledTransaction(journal, target, { id: stepId, phase }, async () => {
    warnings = [];
    const refusedIds = new Set<string>();
    for (const object of objects) {
      const missing = object.needs.find((id) => refusedIds.has(id));
      if (missing) {
        refusedIds.add(object.id);
        warnings.push(refused(object.id, `it needs ${missing}, which the target refused`));
        continue;
      }
      const refusal = await trySavepoint(target, async () => {
        for (const statement of object.create) await target.client.query(statement);
      });
      if (refusal) {
        refusedIds.add(object.id);
        warnings.push(refused(object.id, `the target refused it: ${refusal.message}`));
        continue;
      }
      for (const statement of object.settle) {
        const settleRefusal = await trySavepoint(target, () => target.client.query(statement));
        if (settleRefusal) warnings.push({ code: 'PRIVILEGE_NOT_APPLIED', message: `target refused "${statement}": ${settleRefusal.message}` });
      }
    }
    journal.setValue(warningsKey, warnings);
  });
  return outcome === 'ran' ? warnings : (journal.value<Finding[]>(warningsKey) ?? []);
}

/** Pure: what preflight tries on the target, and which statement stands for which object (its refusal is a warning). */
export function planServerObjectRehearsal(objects: ServerObjects): {
  readonly beforePreData: string[];
  readonly afterPreData: string[];
  readonly last: string[];
  readonly objectOf: ReadonlyMap<string, string>;
} {
  // Roles may not exist on the target before provision: mappings for a role are tried at migrate only.
  const { plan } = planServerObjects({ ...objects, userMappings: objects.userMappings.filter((m) => m.user === null) }, (role) => role);
  const objectOf = new Map<string, string>();
  const creates = (group: readonly RefusableObject[]) =>
    group.flatMap((o) => {
      o.create.forEach((s) => objectOf.set(s, o.id));
      return o.create;
    });
  return {
    beforePreData: creates(plan.languages),
    afterPreData: creates(plan.foreignData),
    last: [...creates(plan.publications), ...creates(plan.eventTriggers)],
    objectOf,
  };
}
