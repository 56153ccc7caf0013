/**
 * For `ifTargetNotEmpty: drop`: the server-level objects an earlier run left in the target database (event
 * triggers, publications, foreign-data wrappers and servers with their user mappings and foreign tables,
 * procedural languages), which dropping schemas leaves behind. Only those no extension brought, and only those the
 * connecting user may drop (a managed provider's own stay); every query lists what is still there, so a run
 * stopped half-way drops the rest when it starts again.
 */
import { runQuery, type Session } from '../endpoints/postgres/run-query.js';
import { isNotExtensionMember, quoteIdent } from '../endpoints/postgres/sql.js';

interface Droppable {
  readonly what: string;
  readonly list: string;
  readonly drop: (name: string) => string;
}

const droppable = (owner: string) => `pg_has_role(current_user, ${owner}, 'MEMBER')`;

/** Event triggers first, so none fires on the drops that follow. */
const beforeSchemas: readonly Droppable[] = [
  {
    what: 'event triggers',
    list: `SELECT evtname AS name FROM pg_event_trigger e WHERE ${isNotExtensionMember('pg_event_trigger', 'e.oid')} AND ${droppable('e.evtowner')}`,
    drop: (name) => `DROP EVENT TRIGGER ${quoteIdent(name)}`,
  },
  {
    what: 'publications',
    list: `SELECT pubname AS name FROM pg_publication p WHERE ${droppable('p.pubowner')}`,
    drop: (name) => `DROP PUBLICATION ${quoteIdent(name)}`,
  },
  {
    what: 'foreign servers',
    list: `SELECT srvname AS name FROM pg_foreign_server s WHERE ${isNotExtensionMember('pg_foreign_server', 's.oid')} AND ${droppable('s.srvowner')}`,
    drop: (name) => `DROP SERVER ${quoteIdent(name)} CASCADE`,
  },
  {
    what: 'foreign-data wrappers',
    list: `SELECT fdwname AS name FROM pg_foreign_data_wrapper w WHERE ${isNotExtensionMember('pg_foreign_data_wrapper', 'w.oid')} AND ${droppable('w.fdwowner')}`,
    drop: (name) => `DROP FOREIGN DATA WRAPPER ${quoteIdent(name)} CASCADE`,
  },
];

/** Languages last: their functions went with the schemas. */
const afterSchemas: readonly Droppable[] = [
  {
    what: 'procedural languages',
    list: `SELECT lanname AS name FROM pg_language l
            WHERE l.lanispl AND l.lanname <> 'plpgsql' AND ${isNotExtensionMember('pg_language', 'l.oid')} AND ${droppable('l.lanowner')}`,
    drop: (name) => `DROP LANGUAGE ${quoteIdent(name)} CASCADE`,
  },
];

async function dropAll(target: Session, kinds: readonly Droppable[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const kind of kinds) {
    for (const { name } of await runQuery<{ name: string }>(target, `${kind.what} to drop`, `${kind.list} ORDER BY 1`)) {
      await runQuery(target, `dropping ${name}`, kind.drop(name));
      dropped.push(name);
    }
  }
  return dropped;
}

export const dropServerObjectsBeforeSchemas = (target: Session) => dropAll(target, beforeSchemas);
export const dropServerObjectsAfterSchemas = (target: Session) => dropAll(target, afterSchemas);
