/** Reads the fields a PostgreSQL server attaches to an error (SQLSTATE, detail, hint, table…). */
import { PgferryError, type ServerErrorFields } from '../../errors/pgferry-error.js';

/** From a node-postgres error, or from a PgferryError that wraps one. */
export function serverErrorFields(error: unknown): ServerErrorFields {
  if (error instanceof PgferryError) return error.server ?? {};
  const e = error as Partial<Record<'code' | 'detail' | 'hint' | 'schema' | 'table' | 'column' | 'constraint', string>>;
  const sqlState = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (!sqlState) return {};
  const fields: Record<string, string> = { sqlState };
  for (const key of ['detail', 'hint', 'schema', 'table', 'column', 'constraint'] as const) {
    if (typeof e[key] === 'string') fields[key] = e[key];
  }
  return fields;
}
