/** Compares two databases the way the migrate tests need: rows per table by content hash, and schema models. */
import pg from 'pg';
import { readSchemaModel } from '../../src/endpoints/postgres/schema/read-schema-model.js';
import type { SchemaModel } from '../../src/model/schema-model.js';
import { withClient } from './servers.js';

/** Every table that holds rows (partitions and inheritance children each on their own): row count and an md5 of its sorted rows. */
export async function tableDigests(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    await c.query(`SET TimeZone = 'UTC'; SET extra_float_digits = 1; SET search_path = ''`);
    const { rows: tables } = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND c.relispopulated AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1`,
    );
    const digests: Record<string, string> = {};
    for (const { name } of tables) {
      const { rows } = await c.query(
        `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS hash FROM ONLY ${name} t`,
      );
      digests[name] = `${rows[0].n} rows ${rows[0].hash}`;
    }
    return digests;
  });
}

/** The schema model with endpoint-local keys removed and objects in name order, so two databases can be compared. */
export async function comparableSchema(url: string, major: number): Promise<Omit<SchemaModel, 'objects'> & { objects: unknown[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const model = await readSchemaModel({ client, label: 'compare' }, major);
    const withoutKeys = (value: unknown) => JSON.parse(JSON.stringify(value, (name, v: unknown) => (name === 'key' ? undefined : v))) as Record<string, unknown>;
    const objects = model.objects
      .map(withoutKeys)
      .sort((a, b) => `${a.kind} ${a.schema}.${a.name}`.localeCompare(`${b.kind} ${b.schema}.${b.name}`));
    return { ...model, objects };
  } finally {
    await client.end();
  }
}

export async function sequenceValues(url: string): Promise<Record<string, string | null>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ name: string; value: string | null }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS value FROM pg_sequences ORDER BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  });
}
