/** Opens the source and target of a plan, refusing a plan whose two ends are the same database. */
import { sameDatabase } from '../model/database-fingerprint.js';
import type { EndpointRole, SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import { openEndpoint, portableArchives, type OpenEndpointOptions } from '../endpoints/open-endpoint.js';
import type { PortableArchiveStore } from '../endpoints/portable-archive.js';
import { PgferryError } from '../errors/pgferry-error.js';
import type { Plan } from '../plan/plan-schema.js';

export interface RunEndpoints {
  readonly source: SourceEndpoint;
  readonly target: TargetEndpoint;
  /** Where a portable archive of the source is written (the backup, when no pg_dump can read the source). */
  readonly archives: PortableArchiveStore;
  close(): Promise<void>;
}

/** How every endpoint of a run opens: the plan's timeouts, and the environment libpq's PG* settings come from. */
export function endpointOptions<R extends EndpointRole>(
  plan: Pick<Plan, 'connectTimeoutSeconds' | 'lockWaitSeconds' | 'sqlite'>,
  role: R,
  env: NodeJS.ProcessEnv = process.env,
): OpenEndpointOptions & { readonly role: R } {
  return { connectTimeoutSeconds: plan.connectTimeoutSeconds, lockWaitSeconds: plan.lockWaitSeconds, env, role, sqlite: plan.sqlite };
}

export function openRunEndpoints(plan: Plan, env: NodeJS.ProcessEnv = process.env): RunEndpoints {
  const source = openEndpoint(plan.source, endpointOptions(plan, 'source', env));
  const target = openEndpoint(plan.target, endpointOptions(plan, 'target', env));
  if (source.identity === target.identity) throw sameDatabaseError(source.display, target.display, 'their URLs name one host, port and database');
  return {
    source,
    target,
    archives: portableArchives,
    close: async () => {
      await Promise.all([source.close(), target.close()]);
    },
  };
}

/**
 * Asks both servers who they are, before anything is written: URLs that differ in text (a host name and its
 * address, a Unix socket, a `?host=` parameter) can still reach one database, and `ifTargetNotEmpty: drop`
 * would then empty the source.
 */
export async function refuseSameDatabase(endpoints: RunEndpoints): Promise<void> {
  // Both asked at once; every request settles before a failure is reported, so no connection outlives the command.
  const [sourceAnswer, targetAnswer] = await Promise.allSettled([endpoints.source.fingerprint(), endpoints.target.fingerprint()]);
  if (sourceAnswer.status === 'rejected') throw sourceAnswer.reason;
  if (targetAnswer.status === 'rejected') throw targetAnswer.reason;
  const [source, target] = [sourceAnswer.value, targetAnswer.value];
  if (sameDatabase(source, target)) {
    const how = source.cluster !== null && target.cluster !== null ? 'same system identifier and database OID' : 'same server start time and database OID';
    throw sameDatabaseError(endpoints.source.display, endpoints.target.display, `both servers answer with the ${how}`);
  }
}

function sameDatabaseError(source: string, target: string, why: string): PgferryError {
  return new PgferryError('SAME_DATABASE', `source and target are the same database (${source} and ${target}): ${why}`, {
    hint: 'Point --to at the new database; pgferry never copies a database onto itself.',
  });
}
