/**
 * The oracle for collations, text search objects, casts, operators, operator families and classes, conversions
 * and ordered-set aggregates: plain catalog queries, written apart from pgferry's readers, keyed the way pgferry's
 * warnings and differences name the objects ("operator class public.ops USING btree", "cast (a AS b)").
 */
import type pg from 'pg';
import type { KindOracle } from './oracle.js';

const userSchema = (column: string) => `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg\\_%'`;

/** Every query returns (key, props): props a JSON object with names, never OIDs. */
const queries: readonly string[] = [
  `SELECT 'collation ' || n.nspname || '.' || c.collname AS key,
          jsonb_build_object('provider', c.collprovider, 'deterministic', c.collisdeterministic,
                             'locale', coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale', CASE WHEN c.collprovider = 'i' THEN c.collcollate END),
                             'lc_collate', CASE WHEN c.collprovider = 'c' THEN c.collcollate END, 'lc_ctype', CASE WHEN c.collprovider = 'c' THEN c.collctype END,
                             'rules', to_jsonb(c) ->> 'collicurules', 'owner', c.collowner::regrole::text,
                             'comment', obj_description(c.oid, 'pg_collation')) AS props
     FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'text search parser ' || n.nspname || '.' || p.prsname,
          jsonb_build_object('start', p.prsstart::text, 'token', p.prstoken::text, 'end', p.prsend::text, 'headline', p.prsheadline::text,
                             'lextype', p.prslextype::text, 'comment', obj_description(p.oid, 'pg_ts_parser'))
     FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'text search template ' || n.nspname || '.' || t.tmplname,
          jsonb_build_object('init', t.tmplinit::text, 'lexize', t.tmpllexize::text, 'comment', obj_description(t.oid, 'pg_ts_template'))
     FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'text search dictionary ' || n.nspname || '.' || d.dictname,
          jsonb_build_object('template', tn.nspname || '.' || t.tmplname, 'options', d.dictinitoption, 'owner', d.dictowner::regrole::text,
                             'comment', obj_description(d.oid, 'pg_ts_dict'))
     FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace JOIN pg_ts_template t ON t.oid = d.dicttemplate
     JOIN pg_namespace tn ON tn.oid = t.tmplnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'text search configuration ' || n.nspname || '.' || c.cfgname,
          jsonb_build_object('parser', pn.nspname || '.' || p.prsname, 'owner', c.cfgowner::regrole::text, 'comment', obj_description(c.oid, 'pg_ts_config'),
                             'mappings', (SELECT jsonb_agg(jsonb_build_array(tt.alias, m.mapseqno, dn.nspname || '.' || d.dictname) ORDER BY tt.alias, m.mapseqno)
                                            FROM pg_ts_config_map m JOIN ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype
                                            JOIN pg_ts_dict d ON d.oid = m.mapdict JOIN pg_namespace dn ON dn.oid = d.dictnamespace
                                           WHERE m.mapcfg = c.oid))
     FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace JOIN pg_ts_parser p ON p.oid = c.cfgparser
     JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'cast (' || c.castsource::regtype::text || ' AS ' || c.casttarget::regtype::text || ')',
          jsonb_build_object('method', c.castmethod, 'context', c.castcontext, 'function', nullif(c.castfunc, 0)::regprocedure::text,
                             'comment', obj_description(c.oid, 'pg_cast'))
     FROM pg_cast c WHERE c.oid >= 16384`,
  `SELECT 'operator ' || n.nspname || '.' || o.oprname || '(' || coalesce(nullif(o.oprleft, 0)::regtype::text, 'NONE') || ', ' || o.oprright::regtype::text || ')',
          jsonb_build_object('function', o.oprcode::regprocedure::text, 'commutator', nullif(o.oprcom, 0)::regoperator::text,
                             'negator', nullif(o.oprnegate, 0)::regoperator::text, 'merges', o.oprcanmerge, 'hashes', o.oprcanhash,
                             'restrict', nullif(o.oprrest, 0)::regproc::text, 'join', nullif(o.oprjoin, 0)::regproc::text, 'result', o.oprresult::regtype::text,
                             'owner', o.oprowner::regrole::text, 'comment', obj_description(o.oid, 'pg_operator'))
     FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'operator family ' || n.nspname || '.' || f.opfname || ' USING ' || am.amname,
          jsonb_build_object('owner', f.opfowner::regrole::text, 'comment', obj_description(f.oid, 'pg_opfamily'),
                             'operators', (SELECT jsonb_agg(jsonb_build_array(o.amopstrategy, o.amoplefttype::regtype::text, o.amoprighttype::regtype::text,
                                                                              o.amopopr::regoperator::text, o.amoppurpose)
                                                            ORDER BY o.amopstrategy, o.amoplefttype::regtype::text, o.amoprighttype::regtype::text)
                                             FROM pg_amop o WHERE o.amopfamily = f.oid),
                             'functions', (SELECT jsonb_agg(jsonb_build_array(p.amprocnum, p.amproclefttype::regtype::text, p.amprocrighttype::regtype::text,
                                                                              p.amproc::regprocedure::text)
                                                            ORDER BY p.amprocnum, p.amproclefttype::regtype::text, p.amprocrighttype::regtype::text)
                                             FROM pg_amproc p WHERE p.amprocfamily = f.oid))
     FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod WHERE ${userSchema('n.nspname')}`,
  `SELECT 'operator class ' || n.nspname || '.' || c.opcname || ' USING ' || am.amname,
          jsonb_build_object('type', c.opcintype::regtype::text, 'default', c.opcdefault, 'storage', nullif(c.opckeytype, 0)::regtype::text,
                             'family', fn.nspname || '.' || f.opfname, 'owner', c.opcowner::regrole::text, 'comment', obj_description(c.oid, 'pg_opclass'))
     FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN pg_am am ON am.oid = c.opcmethod
     JOIN pg_opfamily f ON f.oid = c.opcfamily JOIN pg_namespace fn ON fn.oid = f.opfnamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'conversion ' || n.nspname || '.' || c.conname,
          jsonb_build_object('from', pg_encoding_to_char(c.conforencoding), 'to', pg_encoding_to_char(c.contoencoding), 'function', c.conproc::regprocedure::text,
                             'default', c.condefault, 'owner', c.conowner::regrole::text, 'comment', obj_description(c.oid, 'pg_conversion'))
     FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${userSchema('n.nspname')}`,
  `SELECT 'aggregate ' || p.oid::regprocedure::text,
          jsonb_build_object('kind', a.aggkind, 'direct', a.aggnumdirectargs, 'transition', a.aggtransfn::regprocedure::text, 'state', a.aggtranstype::regtype::text,
                             'final', nullif(a.aggfinalfn, 0)::regprocedure::text, 'extra', a.aggfinalextra, 'modify', a.aggfinalmodify, 'init', a.agginitval,
                             'owner', p.proowner::regrole::text, 'comment', obj_description(p.oid, 'pg_proc'))
     FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE a.aggkind <> 'n' AND ${userSchema('n.nspname')}`,
  `SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname,
          jsonb_build_object('collation', CASE WHEN a.attcollation <> 0 THEN a.attcollation::regcollation::text END, 'type', format_type(a.atttypid, a.atttypmod),
                             'default', pg_get_expr(d.adbin, d.adrelid))
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND ${userSchema('n.nspname')}`,
  `SELECT 'index ' || n.nspname || '.' || c.relname, jsonb_build_object('definition', pg_get_indexdef(c.oid))
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchema('n.nspname')}`,
];

export const catalogObjectsOracle: KindOracle = {
  area: 'catalog-objects',
  async snapshot(client: pg.Client): Promise<Record<string, unknown>> {
    // Names print schema-qualified where they are not pg_catalog's, the same on every database.
    await client.query(`SELECT set_config('search_path', '', false)`);
    const snapshot: Record<string, unknown> = {};
    for (const sql of queries) {
      const { rows } = await client.query<{ key: string; props: unknown }>(`SELECT * FROM (${sql}) AS q(key, props)`);
      for (const row of rows) snapshot[row.key] = row.props;
    }
    return Object.fromEntries(Object.entries(snapshot).sort(([a], [b]) => a.localeCompare(b)));
  },
  refusedWithoutSuperuser: [
    'text search parser public.words_parser',
    'text search template public.plain_template',
    // Their parser and template are refused, so these cannot be created either.
    'text search dictionary public.plain_dict',
    'text search configuration public.custom_config',
    // WITHOUT FUNCTION, and between types the target's owner does not own.
    'cast (cid AS integer)',
    'operator family public.int4_alt_ops USING btree',
    'operator class public.int4_alt_ops USING btree',
    'operator family public.int_extra_fam USING btree',
  ],
};
