/** Pure: server-level objects as named entries for the schema diff; owners and grants are mapped by the diff. */
import type { ServerObjects } from './server-objects.js';

/** `role` is the diff's role map (source roles to target roles); a mapping's user is part of its name. */
export function serverObjectEntries(objects: ServerObjects, role: (name: string) => string | null): Array<[string, object]> {
  return [
    ...objects.languages.map((l): [string, object] => [`language ${l.name}`, l]),
    ...objects.foreignDataWrappers.map((w): [string, object] => [`foreign-data wrapper ${w.name}`, w]),
    // Which secret options were left out is migrate's business, not a property of the server or mapping.
    ...objects.foreignServers.map(({ droppedOptions: _dropped, ...s }): [string, object] => [`foreign server ${s.name}`, s]),
    ...objects.userMappings.map(({ droppedOptions: _dropped, ...m }): [string, object] => {
      const user = m.user === null ? 'PUBLIC' : (role(m.user) ?? m.user);
      return [`user mapping for ${user} server ${m.server}`, { ...m, user }];
    }),
    ...objects.foreignTables.map((t): [string, object] => [`foreign table ${t.schema}.${t.name}`, t]),
    ...objects.publications.map((p): [string, object] => [`publication ${p.name}`, p]),
    ...objects.eventTriggers.map((e): [string, object] => [`event trigger ${e.name}`, e]),
  ];
}
