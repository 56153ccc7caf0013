/** Verification's reads on a PostgreSQL end, in a session whose settings make equal values read and hash alike. */
import type { QualifiedName } from '../../model/schema-model.js';
import type { KeyBounds, TableShape } from '../../model/verify/table-shape.js';
import type { VerifyReader } from '../endpoint.js';
import { to as copyTo } from 'pg-copy-streams';
import { copyTextRows } from '../copy-text.js';
import { readChunkKey } from './queries/chunk-key.js';
import { countLargeObjects, readLargeObjectStates } from './queries/large-objects.js';
import { readSequenceValues } from './queries/sequence-values.js';
import { readServerEncoding } from './queries/server-facts.js';
import { countRows, listTables } from './queries/table-facts.js';
import type { Session } from './run-query.js';
import { qualifiedName, quoteIdent } from './sql.js';
import { keyCondition, readDigests, readRowHashes, readRowTexts } from './verify/table-digests.js';
import { readBucketRowHashes, readChildBucketDigests } from './verify/hash-buckets.js';
import { readTableShapes } from './verify/table-shape.js';
import { normalizeSession } from './verify/verify-session.js';

export async function openPostgresVerifyReader(session: Session, release: () => Promise<void>): Promise<VerifyReader> {
  await normalizeSession(session);
  return {
    listTables: () => listTables(session),
    countRows: (table: QualifiedName) => countRows(session, { ...table, kind: 'table' }),
    encoding: () => readServerEncoding(session),
    tableShapes: async (tables) => {
      const shapes = await readTableShapes(session, tables);
      return new Map(tables.map((t) => [`${t.schema}.${t.name}`, shapes.get(qualifiedName(t.schema, t.name))!]));
    },
    chunkKey: (table) => readChunkKey(session, table.schema, table.name),
    digests: (shape, options) => readDigests(session, shape, options),
    rowHashes: (shape, within, samplePercent) => readRowHashes(session, shape, within, samplePercent),
    bucketDigests: (shape, parents, samplePercent) => readChildBucketDigests(session, shape, parents, samplePercent),
    bucketRowHashes: (shape, buckets, samplePercent) => readBucketRowHashes(session, shape, buckets, samplePercent),
    rowValues: (shape, within) => rowValues(session, shape, within),
    rowTexts: (shape, keys) => readRowTexts(session, shape, keys),
    sequenceValues: () => readSequenceValues(session),
    largeObjectStates: () => readLargeObjectStates(session),
    countLargeObjects: () => countLargeObjects(session),
    close: release,
  };
}

/** Each row's values as text, streamed with COPY so a table of any size passes in bounded memory. */
function rowValues(session: Session, shape: TableShape, within: KeyBounds | undefined): AsyncIterable<ReadonlyArray<string | null>> {
  const values = shape.columns.map((c) => `t.${quoteIdent(c)}::text`);
  const query = `SELECT ${values.join(', ') || 'NULL'} FROM ONLY ${qualifiedName(shape.schema, shape.name)} t WHERE ${keyCondition(shape, within)}`;
  const stream = session.client.query(copyTo(`COPY (${query}) TO STDOUT`));
  return copyTextRows(stream, Math.max(1, shape.columns.length));
}
