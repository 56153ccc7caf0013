/** Procedural languages created with CREATE LANGUAGE (not by an extension), and event triggers. */
import type { EventTriggerDef, LanguageDef } from '../../../model/server-objects.js';
import { runQuery, type Session } from '../run-query.js';
import { functionName } from './function-name.js';
import { grantsJson, isNotExtensionMember } from '../sql.js';


export async function readLanguages(session: Session): Promise<LanguageDef[]> {
  return runQuery<LanguageDef>(
    session,
    'procedural languages',
    `SELECT l.lanname AS name, pg_get_userbyid(l.lanowner) AS owner, ${grantsJson('l.lanacl', 'l.lanowner')} AS grants,
            obj_description(l.oid, 'pg_language') AS comment, l.lanpltrusted AS trusted,
            ${functionName('l.lanplcallfoid')} AS handler, ${functionName('l.laninline')} AS inline, ${functionName('l.lanvalidator')} AS validator
       FROM pg_language l
      WHERE l.lanispl AND l.lanname <> 'plpgsql' AND ${isNotExtensionMember('pg_language', 'l.oid')}
      ORDER BY 1`,
  );
}

export async function readEventTriggers(session: Session): Promise<EventTriggerDef[]> {
  return runQuery<EventTriggerDef>(
    session,
    'event triggers',
    `SELECT e.evtname AS name, pg_get_userbyid(e.evtowner) AS owner, obj_description(e.oid, 'pg_event_trigger') AS comment,
            e.evtevent AS event, e.evttags AS tags, ${functionName('e.evtfoid')} AS function, e.evtenabled AS enabled
       FROM pg_event_trigger e
      WHERE ${isNotExtensionMember('pg_event_trigger', 'e.oid')}
      ORDER BY 1`,
  );
}
