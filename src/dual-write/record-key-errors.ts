/** The refusals both stores of the dual-write library give an insert, worded once. */
import { PgferryError } from '../errors/pgferry-error.js';
import { jsonTextOf } from '../model/json/json-text.js';

/** JSON_INVALID when the record has no value for its key field. */
export function requireKey(collection: string, keyField: string, record: { readonly [field: string]: unknown }): unknown {
  const id = record[keyField];
  if (id === undefined || id === null) throw new PgferryError('JSON_INVALID', `a record for ${collection} has no ${keyField}`, { hint: `Give every record its ${keyField}.` });
  return id;
}

export function keyTaken(collection: string, keyField: string, id: unknown): PgferryError {
  return new PgferryError('JSON_KEY_TAKEN', `${collection} already has a record with ${keyField} ${jsonTextOf(id)}`, { hint: 'Update that record, or give the new one another key.' });
}
