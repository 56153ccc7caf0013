/**
 * Oracle for languages, foreign data, publications and event triggers, and what needs them (views over foreign
 * tables, functions in custom languages and their triggers), read straight from the catalogs. A user
 * mapping's options are shown without the password (never migrated); `mappingPasswords` tells whether one is there.
 */
import type pg from 'pg';
import type { KindOracle } from './oracle.js';

const fn = (oid: string) => `(SELECT p.pronamespace::regnamespace::text || '.' || p.proname FROM pg_proc p WHERE p.oid = ${oid})`;
const notExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** An ACL without the owner's own entries: ownership implies them, and newer majors add privileges to them (MAINTAIN). */
const acl = (column: string, owner: string) =>
  `(SELECT array_agg(e ORDER BY e) FROM unnest(${column}::text[]) e WHERE e NOT LIKE ${owner}::regrole::text || '=%')`;

/** (kind-and-name, properties) rows, one query per kind. */
const queries: readonly string[] = [
  `SELECT 'language ' || l.lanname, jsonb_build_object('trusted', l.lanpltrusted, 'handler', ${fn('l.lanplcallfoid')},
          'inline', ${fn('l.laninline')}, 'validator', ${fn('l.lanvalidator')}, 'owner', l.lanowner::regrole::text,
          'acl', ${acl('l.lanacl', 'l.lanowner')}, 'comment', obj_description(l.oid, 'pg_language'))
     FROM pg_language l WHERE l.lanispl AND l.lanname <> 'plpgsql' AND ${notExtension('pg_language', 'l.oid')}`,
  `SELECT 'foreign-data wrapper ' || w.fdwname, jsonb_build_object('handler', ${fn('w.fdwhandler')}, 'validator', ${fn('w.fdwvalidator')},
          'options', w.fdwoptions, 'owner', w.fdwowner::regrole::text, 'acl', ${acl('w.fdwacl', 'w.fdwowner')}, 'comment', obj_description(w.oid, 'pg_foreign_data_wrapper'))
     FROM pg_foreign_data_wrapper w WHERE ${notExtension('pg_foreign_data_wrapper', 'w.oid')}`,
  `SELECT 'foreign server ' || s.srvname, jsonb_build_object('wrapper', w.fdwname, 'type', s.srvtype, 'version', s.srvversion,
          'options', s.srvoptions, 'owner', s.srvowner::regrole::text, 'acl', ${acl('s.srvacl', 's.srvowner')}, 'comment', obj_description(s.oid, 'pg_foreign_server'))
     FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw`,
  `SELECT 'user mapping for ' || CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE m.umuser::regrole::text END || ' server ' || s.srvname,
          jsonb_build_object('options', (SELECT array_agg(o ORDER BY o) FROM unnest(m.umoptions) o WHERE o NOT LIKE 'password=%'))
     FROM pg_user_mapping m JOIN pg_foreign_server s ON s.oid = m.umserver`,
  `SELECT 'foreign table ' || c.oid::regclass::text, jsonb_build_object('server', s.srvname, 'options', ft.ftoptions,
          'owner', c.relowner::regrole::text, 'acl', ${acl('c.relacl', 'c.relowner')}, 'comment', obj_description(c.oid, 'pg_class'),
          'columns', (SELECT jsonb_agg(jsonb_build_array(a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                                         pg_get_expr(ad.adbin, ad.adrelid), a.attcollation::regcollation::text,
                                                         a.attfdwoptions, col_description(c.oid, a.attnum)) ORDER BY a.attnum)
                        FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
     FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid JOIN pg_foreign_server s ON s.oid = ft.ftserver`,
  `SELECT 'publication ' || p.pubname, jsonb_build_object('all', p.puballtables, 'insert', p.pubinsert, 'update', p.pubupdate,
          'delete', p.pubdelete, 'truncate', p.pubtruncate, 'viaRoot', p.pubviaroot, 'owner', p.pubowner::regrole::text,
          'comment', obj_description(p.oid, 'pg_publication'),
          'tables', (SELECT jsonb_agg(jsonb_build_array(r.prrelid::regclass::text,
                                (SELECT jsonb_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a
                                  WHERE a.attrelid = r.prrelid AND a.attnum::text = ANY(string_to_array(to_jsonb(r) ->> 'prattrs', ' '))),
                                (SELECT to_jsonb(t) ->> 'rowfilter' FROM pg_publication_tables t JOIN pg_class c ON c.oid = r.prrelid
                                  WHERE t.pubname = p.pubname AND t.schemaname = c.relnamespace::regnamespace::text AND t.tablename = c.relname))
                                ORDER BY r.prrelid::regclass::text)
                       FROM pg_publication_rel r WHERE r.prpubid = p.oid))
     FROM pg_publication p`,
  // What needs a foreign table or a custom language: views over foreign tables, functions in those languages, their triggers.
  `SELECT 'view ' || v.oid::regclass::text, jsonb_build_object('owner', v.relowner::regrole::text,
          -- Its columns, not its text: the deparsed query's spelling changed with 16.
          'columns', (SELECT jsonb_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attnum > 0))
     FROM pg_class v
    WHERE v.relkind = 'v' AND EXISTS (SELECT 1 FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                      JOIN pg_class f ON d.refclassid = 'pg_class'::regclass AND f.oid = d.refobjid
                                     WHERE r.ev_class = v.oid AND f.relkind = 'f')`,
  `SELECT 'function ' || p.oid::regprocedure::text, jsonb_build_object('language', l.lanname, 'source', p.prosrc, 'owner', p.proowner::regrole::text)
     FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE l.lanispl AND l.lanname <> 'plpgsql' AND ${notExtension('pg_language', 'l.oid')}`,
  `SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, jsonb_build_object('definition', pg_get_triggerdef(t.oid), 'enabled', t.tgenabled)
     FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
    WHERE NOT t.tgisinternal AND l.lanispl AND l.lanname <> 'plpgsql' AND ${notExtension('pg_language', 'l.oid')}`,
  `SELECT 'event trigger ' || e.evtname, jsonb_build_object('event', e.evtevent, 'tags', e.evttags, 'function', ${fn('e.evtfoid')},
          'enabled', e.evtenabled, 'owner', e.evtowner::regrole::text, 'comment', obj_description(e.oid, 'pg_event_trigger'))
     FROM pg_event_trigger e`,
];

export const serverObjectsOracle: KindOracle = {
  area: 'server-objects',
  async snapshot(client: pg.Client): Promise<Record<string, unknown>> {
    const snapshot: Record<string, unknown> = {};
    for (const sql of queries) {
      const { rows } = await client.query<{ key: string; value: unknown }>(`SELECT k AS key, v AS value FROM (${sql}) AS q(k, v) ORDER BY 1`);
      for (const row of rows) snapshot[row.key] = row.value;
    }
    // FOR TABLES IN SCHEMA came with 15; its catalog does not exist before.
    const { rows: since15 } = await client.query(`SELECT 1 FROM pg_class WHERE oid = to_regclass('pg_catalog.pg_publication_namespace')`);
    if (since15.length > 0) {
      const { rows } = await client.query<{ key: string; schemas: string[] }>(
        `SELECT 'publication ' || p.pubname AS key, array_agg(pn.pnnspid::regnamespace::text ORDER BY pn.pnnspid::regnamespace::text) AS schemas
           FROM pg_publication_namespace pn JOIN pg_publication p ON p.oid = pn.pnpubid GROUP BY 1`,
      );
      for (const row of rows) snapshot[row.key] = { ...(snapshot[row.key] as object), schemas: row.schemas };
    }
    return snapshot;
  },
  refusedWithoutSuperuser: [
    'language plpgsql_copy',
    'language plpgsql_untrusted',
    'foreign-data wrapper dummy',
    'foreign server files',
    'user mapping for server_objects_user server files',
    'user mapping for PUBLIC server files',
    'foreign table app.remote_orders',
    'view app.remote_labels',
    'function app.stamp_note()',
    'trigger stamp_note on app.orders',
    'publication pub_all',
    'publication pub_schema',
    'event trigger log_ddl',
    'event trigger log_tables',
    'event trigger log_drops',
    'event trigger log_replica',
  ],
};

/** Whether any user mapping holds a password option (read as a superuser). */
export async function mappingPasswords(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ mapping: string }>(
    `SELECT s.srvname || ' for ' || CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE m.umuser::regrole::text END AS mapping
       FROM pg_user_mapping m JOIN pg_foreign_server s ON s.oid = m.umserver
      WHERE EXISTS (SELECT 1 FROM unnest(m.umoptions) o WHERE o LIKE 'password=%') ORDER BY 1`,
  );
  return rows.map((r) => r.mapping);
}
