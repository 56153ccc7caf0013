/**
 * Oracle for test/fixtures/kinds/table-attributes.sql: rules, extended statistics, replica identity, column storage,
 * statistics and compression, CLUSTER ON marks, materialized views' populated state, partitions' own column lists
 * and whether every foreign key (partitions' clones included) is validated — read straight from the catalogs.
 */
import type pg from 'pg';
import type { KindOracle } from './oracle.js';

const userRelations = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/** Each query returns (key, value) rows; value is any JSON the server builds. */
const queries: readonly string[] = [
  // Rules other than views' own, deparsed without a search path so names are qualified.
  `SELECT format('rule %s on %s.%s', r.rulename, n.nspname, c.relname),
          json_build_object('definition', pg_get_ruledef(r.oid), 'enabled', r.ev_enabled,
                            'comment', obj_description(r.oid, 'pg_rewrite'))
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN' AND ${userRelations}`,
  // Extended statistics: definition and target (-1 before 17 and NULL from 17 both mean the default).
  `SELECT format('statistics %s.%s', n.nspname, s.stxname),
          json_build_object('definition', pg_get_statisticsobjdef(s.oid), 'target', nullif(coalesce(s.stxstattarget, -1), -1),
                            'comment', obj_description(s.oid, 'pg_statistic_ext'))
     FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE ${userRelations}`,
  // Replica identity of every table, with the index's name when it is USING INDEX; whether a matview holds data.
  `SELECT format('relation %s.%s', n.nspname, c.relname),
          json_build_object('replident', c.relreplident, 'populated', c.relispopulated,
                            'identityIndex', (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                                               WHERE i.indrelid = c.oid AND i.indisreplident),
                            'clusteredOn', (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                                             WHERE i.indrelid = c.oid AND i.indisclustered))
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND ${userRelations}`,
  // Every column's storage, statistics target (normalized) and compression, in attnum order with names and types.
  `SELECT format('columns of %s.%s', n.nspname, c.relname),
          json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'storage', a.attstorage,
                                     'statistics', nullif(coalesce(a.attstattarget, -1), -1), 'compression', a.attcompression::text)
                   ORDER BY a.attnum)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND ${userRelations}
    GROUP BY n.nspname, c.relname`,
  // Index columns' statistics targets, by column number.
  `SELECT format('index column statistics %s.%s #%s', n.nspname, c.relname, a.attnum), to_json(a.attstattarget)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE c.relkind IN ('i', 'I') AND coalesce(a.attstattarget, -1) <> -1 AND ${userRelations}`,
  // Each partition's parent and bound.
  `SELECT format('partition %s.%s', n.nspname, c.relname),
          json_build_object('parent', i.inhparent::regclass::text, 'bound', pg_get_expr(c.relpartbound, c.oid))
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits i ON i.inhrelid = c.oid
    WHERE c.relispartition AND ${userRelations}`,
  // Every foreign key, partitions' clones included, and whether it is validated. Clones are named by the server
  // (fkey1 before 16, fkey_1 after), so every key is known by its table and definition, a clone's name left out.
  `SELECT format('foreign key%s on %s.%s: %s', CASE WHEN k.conparentid <> 0 THEN ' clone' END, n.nspname, c.relname, pg_get_constraintdef(k.oid)),
          json_build_object('validated', k.convalidated, 'name', CASE WHEN k.conparentid = 0 THEN k.conname END)
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype = 'f' AND ${userRelations}`,
];

export const tableAttributesOracle: KindOracle = {
  area: 'table-attributes',
  async snapshot(client: pg.Client): Promise<Record<string, unknown>> {
    await client.query(`SELECT set_config('search_path', '', false)`);
    const snapshot: Record<string, unknown> = {};
    for (const sql of queries) {
      const { rows } = await client.query<{ key: string; value: unknown }>(`SELECT key, value FROM (${sql}) AS q(key, value) ORDER BY 1`);
      for (const row of rows) snapshot[row.key] = row.value;
    }
    return snapshot;
  },
  refusedWithoutSuperuser: [],
};
