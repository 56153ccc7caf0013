/** The public infer command: drafts the mapping of a JSON source's collections from their records. Never throws. */
import { relative } from 'node:path';
import { stringify } from 'yaml';
import { jsonDirectory, readJsonCollections } from '../endpoints/json/json-collections.js';
import { asPgferryError, PgferryError } from '../errors/pgferry-error.js';
import type { Finding } from '../model/findings.js';
import { inferMapping, type JsonCollectionMapping } from '../model/json/infer-mapping.js';
import type { Failed } from './with-endpoints.js';

export type InferResult =
  | {
      readonly status: 'inferred';
      readonly source: string;
      readonly collections: Readonly<Record<string, JsonCollectionMapping>>;
      /** The draft as the plan's `json` section, YAML. */
      readonly yaml: string;
      readonly findings: readonly Finding[];
      readonly records: number;
    }
  | Failed;

/**
 * Reads every collection of the JSON source `from` (json://dir) and drafts its mapping.
 *
 * @example
 * const result = inferJson({ from: 'json:///srv/app/data' });
 * if (result.status === 'inferred') writeFileSync('plan.yaml', result.yaml);
 */
export function inferJson(options: { readonly from: string }): InferResult {
  const started = Date.now();
  try {
    const directory = jsonDirectory(options.from);
    const collections = readJsonCollections(directory);
    if (collections.length === 0) {
      throw new PgferryError('JSON_READ_FAILED', `${directory} holds no collection file (*.json, *.ndjson, *.jsonl)`, { hint: 'Point --from at the directory that holds users.json, projects.json…' });
    }
    const inferred = inferMapping(collections.map((c) => ({ name: c.name, file: relative(directory, c.file), records: c.records })));
    const yaml = stringify({ json: { collections: inferred.collections } }, { lineWidth: 0 });
    return { status: 'inferred', source: directory, collections: inferred.collections, yaml, findings: inferred.findings, records: collections.reduce((n, c) => n + c.records.length, 0) };
  } catch (error) {
    return { status: 'failed', ms: Date.now() - started, error: asPgferryError(error) };
  }
}
