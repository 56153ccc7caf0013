/** SQL answering whether a step's effect is on the target, one query per kind of probe. */
import type { TargetProbe } from '../endpoint.js';
import { qualifiedName, quoteLiteral } from './sql.js';

export function probeQuery(probe: TargetProbe): string {
  switch (probe.kind) {
    case 'relation':
      return `SELECT to_regclass(${quoteLiteral(qualifiedName(probe.schema, probe.name))}) IS NOT NULL AS done`;
    case 'constraint':
      return `SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = ${quoteLiteral(probe.name)}${probe.validated ? ' AND convalidated' : ''}
                AND conrelid = to_regclass(${quoteLiteral(qualifiedName(probe.table.schema, probe.table.name))})) AS done`;
    case 'index-attached':
      return `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(${quoteLiteral(qualifiedName(probe.schema, probe.name))})) AS done`;
    case 'rows':
      return `SELECT EXISTS (SELECT 1 FROM ONLY ${qualifiedName(probe.table.schema, probe.table.name)}) AS done`;
  }
}
