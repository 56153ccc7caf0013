/** Opens the source and target of a plan, refusing a plan whose two ends are the same database. */
import type { SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import { openEndpoint } from '../endpoints/open-endpoint.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { Plan } from '../plan/plan-schema.js';

export interface RunEndpoints {
  readonly source: SourceEndpoint;
  readonly target: TargetEndpoint;
  close(): Promise<void>;
}

export function openRunEndpoints(plan: Plan, env: NodeJS.ProcessEnv = process.env): RunEndpoints {
  const common = { connectTimeoutSeconds: plan.connectTimeoutSeconds, env };
  const source = openEndpoint(plan.source, { ...common, role: 'source' });
  const target = openEndpoint(plan.target, { ...common, role: 'target' });
  if (source.identity === target.identity) {
    throw new PgferryError('SAME_DATABASE', `source and target are the same database (${source.display} and ${target.display})`, {
      hint: 'Point --to at the new database; pgferry never copies a database onto itself.',
    });
  }
  return {
    source,
    target,
    close: async () => {
      await Promise.all([source.close(), target.close()]);
    },
  };
}
