/** User-defined text search parsers, templates, dictionaries and configurations (with their token mappings). */
import type { CatalogObjectDef } from '../../../model/schema-model.js';
import type { Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';
import { readCatalogObjectRows } from './catalog-object-row.js';

/** Parsers and templates have no owner: only a superuser creates them. */
function parsersAndTemplates(): string {
  return `SELECT 'tsparser:' || p.oid AS key, 'text search parser' AS catalog_kind, n.nspname AS schema, p.prsname AS name,
                 format('TEXT SEARCH PARSER %I.%I', n.nspname, p.prsname) AS clause, NULL AS owner,
                 format('CREATE TEXT SEARCH PARSER %I.%I (%s)', n.nspname, p.prsname, array_to_string(array_remove(ARRAY[
                   'START = ' || p.prsstart::regproc::text, 'GETTOKEN = ' || p.prstoken::regproc::text, 'END = ' || p.prsend::regproc::text,
                   'LEXTYPES = ' || p.prslextype::regproc::text,
                   CASE WHEN p.prsheadline <> 0 THEN 'HEADLINE = ' || p.prsheadline::regproc::text END], NULL), ', ')) AS definition,
                 obj_description(p.oid, 'pg_ts_parser') AS comment
            FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_ts_parser', 'p.oid')}
          UNION ALL
          SELECT 'tstemplate:' || t.oid, 'text search template', n.nspname, t.tmplname,
                 format('TEXT SEARCH TEMPLATE %I.%I', n.nspname, t.tmplname), NULL,
                 format('CREATE TEXT SEARCH TEMPLATE %I.%I (%s)', n.nspname, t.tmplname, array_to_string(array_remove(ARRAY[
                   CASE WHEN t.tmplinit <> 0 THEN 'INIT = ' || t.tmplinit::regproc::text END,
                   'LEXIZE = ' || t.tmpllexize::regproc::text], NULL), ', ')),
                 obj_description(t.oid, 'pg_ts_template')
            FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_ts_template', 't.oid')}`;
}

function dictionaries(): string {
  return `SELECT 'tsdict:' || dc.oid, 'text search dictionary', n.nspname, dc.dictname,
                 format('TEXT SEARCH DICTIONARY %I.%I', n.nspname, dc.dictname), pg_get_userbyid(dc.dictowner),
                 format('CREATE TEXT SEARCH DICTIONARY %I.%I (TEMPLATE = %I.%I%s)', n.nspname, dc.dictname, tn.nspname, t.tmplname,
                        coalesce(', ' || dc.dictinitoption, '')),
                 obj_description(dc.oid, 'pg_ts_dict')
            FROM pg_ts_dict dc JOIN pg_namespace n ON n.oid = dc.dictnamespace
            JOIN pg_ts_template t ON t.oid = dc.dicttemplate JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_ts_dict', 'dc.oid')}`;
}

/** One ADD MAPPING per token type, its dictionaries in the order they are consulted. */
function configurations(): string {
  return `SELECT 'tsconfig:' || c.oid, 'text search configuration', n.nspname, c.cfgname,
                 format('TEXT SEARCH CONFIGURATION %I.%I', n.nspname, c.cfgname), pg_get_userbyid(c.cfgowner),
                 format('CREATE TEXT SEARCH CONFIGURATION %I.%I (PARSER = %I.%I)', n.nspname, c.cfgname, pn.nspname, p.prsname)
                   || coalesce((SELECT string_agg(format(E';\\nALTER TEXT SEARCH CONFIGURATION %I.%I ADD MAPPING FOR %I WITH %s',
                                                         n.nspname, c.cfgname, tt.alias, m.dictionaries), '' ORDER BY m.maptokentype)
                                  FROM (SELECT cm.maptokentype, string_agg(format('%I.%I', dn.nspname, dd.dictname), ', ' ORDER BY cm.mapseqno) AS dictionaries
                                          FROM pg_ts_config_map cm JOIN pg_ts_dict dd ON dd.oid = cm.mapdict
                                          JOIN pg_namespace dn ON dn.oid = dd.dictnamespace
                                         WHERE cm.mapcfg = c.oid GROUP BY cm.maptokentype) m
                                  JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype), ''),
                 obj_description(c.oid, 'pg_ts_config')
            FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
            JOIN pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace
           WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_ts_config', 'c.oid')}`;
}

export async function readTextSearchObjects(session: Session): Promise<CatalogObjectDef[]> {
  return readCatalogObjectRows(session, 'text search objects', `${parsersAndTemplates()}\n UNION ALL ${dictionaries()}\n UNION ALL ${configurations()}`);
}
