/** Every server-level object pgferry migrates beside the schemas (languages, foreign data, publications, event triggers). */
import type { ServerObjects } from '../../../model/server-objects.js';
import type { Session } from '../run-query.js';
import { readForeignDataWrappers, readForeignServers, readForeignTables, readUserMappings } from './read-foreign-data.js';
import { readEventTriggers, readLanguages } from './read-languages.js';
import { readPublications } from './read-publications.js';

/** Needs search_path = '' (qualified row filters and defaults). */
export async function readServerObjects(session: Session, major: number): Promise<ServerObjects> {
  return {
    languages: await readLanguages(session),
    foreignDataWrappers: await readForeignDataWrappers(session),
    foreignServers: await readForeignServers(session),
    userMappings: await readUserMappings(session),
    foreignTables: await readForeignTables(session),
    publications: await readPublications(session, major),
    eventTriggers: await readEventTriggers(session),
  };
}
