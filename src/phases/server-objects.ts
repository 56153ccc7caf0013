/**
 * Server-level objects (languages, foreign data, publications, event triggers), each applied on its own under a
 * savepoint so a target that refuses one (a managed target's owner is no superuser) names it in an
 * OBJECT_REFUSED warning and goes on; what needs a refused object is refused in turn. Languages, wrappers,
 * servers and user mappings come early in the pre-data (functions are written in them, foreign tables use them),
 * foreign tables among the pre-data objects (a view may read one), publications before owners change hands (a
 * publication needs to own its tables), event triggers last so they never fire on migrate's own DDL.
 */
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
import type { RoleResolver } from '../model/ddl/render-privileges.js';
import { quoteIdent } from '../model/ddl/quote.js';
import type { Finding } from '../model/findings.js';
import { objectRefused } from '../model/refused-object.js';
import type { ServerObjects } from '../model/server-objects.js';

export interface ServerObjectsPlan {
  readonly languages: readonly RefusableObject[];
  /** Wrappers, servers and user mappings. */
  readonly foreignData: readonly RefusableObject[];
  readonly foreignTables: readonly RefusableObject[];
  readonly publications: readonly RefusableObject[];
  readonly eventTriggers: readonly RefusableObject[];
}

/** The options' names as a warning lists them: "password option", "token, api_key options". */
function optionList(names: readonly string[]): string {
  return `${names.join(', ')} option${names.length === 1 ? '' : 's'}`;
}

/** A user mapping or foreign server that lost its secret options: named with the options, never their values. */
function secretsDropped(code: string, object: string, names: readonly string[], alter: string): Finding {
  return {
    code,
    message: `${object} was created without its ${optionList(names)} (pgferry never copies secrets)`,
    hint: `Set ${names.length === 1 ? 'it' : 'them'} on the target: ${alter} OPTIONS (${names.map((n) => `ADD ${quoteIdent(n)} '…'`).join(', ')}).`,
  };
}

/** Pure. Warnings: servers and user mappings that lose their secret options, mappings whose role has no counterpart on the target. */
export function planServerObjects(objects: ServerObjects, resolve: RoleResolver): { plan: ServerObjectsPlan; warnings: Finding[] } {
  const warnings: Finding[] = [];
  const wrappers = objects.foreignDataWrappers.map((w) => renderForeignDataWrapper(w, resolve));
  const wrapperIds = new Set(wrappers.map((w) => w.id));
  for (const server of objects.foreignServers.filter((s) => s.droppedOptions.length > 0)) {
    warnings.push(secretsDropped('FOREIGN_SERVER_SECRET_DROPPED', `foreign server ${server.name}`, server.droppedOptions, `ALTER SERVER ${quoteIdent(server.name)}`));
  }
  const mappings = objects.userMappings.flatMap((m) => {
    const rendered = renderUserMapping(m, resolve);
    if (!rendered) {
      warnings.push(objectRefused(userMappingId(m), `role ${m.user} has no counterpart on the target`));
      return [];
    }
    if (m.droppedOptions.length > 0) {
      warnings.push(secretsDropped('USER_MAPPING_PASSWORD_DROPPED', userMappingId(m), m.droppedOptions, `ALTER USER MAPPING FOR ${m.user === null ? 'PUBLIC' : quoteIdent(m.user)} SERVER ${quoteIdent(m.server)}`));
    }
    return [rendered];
  });
  const plan = {
    languages: objects.languages.map((l) => renderLanguage(l, resolve)),
    foreignData: [
      ...wrappers,
      ...objects.foreignServers.map((s) => renderForeignServer(s, resolve, wrapperIds)),
      ...mappings,
    ],
    foreignTables: objects.foreignTables.map((t) => renderForeignTable(t, resolve)),
    publications: objects.publications.map((p) => renderPublication(p, resolve)),
    eventTriggers: objects.eventTriggers.map((e) => renderEventTrigger(e, resolve)),
  };
  return { plan, warnings };
}

/**
 * Pure: the plan preflight tries on the target. Roles may not exist there before provision, so mappings for a role
 * are tried at migrate only and owners stay as they are.
 */
export function planServerObjectRehearsal(objects: ServerObjects): ServerObjectsPlan {
  return planServerObjects({ ...objects, userMappings: objects.userMappings.filter((m) => m.user === null) }, (role) => role).plan;
}
