/** Reads a PostgreSQL database's whole schema into the neutral model, with names qualified for any target. */
import { orderByDependencies } from '../../../model/dependency-order.js';
import type { Grant, SchemaDef, SchemaModel } from '../../../model/schema-model.js';
import { rolesOfServerObjects } from '../../../model/server-objects.js';
import { listExtensions } from '../queries/catalog-facts.js';
import { listLargeObjectRoles } from '../queries/large-objects.js';
import { listUnsupportedObjects } from '../queries/unsupported-objects.js';
import { runQuery, type Session } from '../run-query.js';
import { grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { readAccess } from './read-access.js';
import { readCatalogObjects } from './read-catalog-objects.js';
import { readComments } from './read-comments.js';
import { readMoreComments } from './read-more-comments.js';
import { readConstraints } from './read-constraints.js';
import { readDependencies } from './read-dependencies.js';
import { readIndexes } from './read-indexes.js';
import { readRoles } from './read-roles.js';
import { readRoutines } from './read-routines.js';
import { readSequences } from './read-sequences.js';
import { readServerObjects } from './read-server-objects.js';
import { readTables } from './read-tables.js';
import { readPolicies, readTriggers } from './read-triggers.js';
import { readRelationSettings } from './read-relation-settings.js';
import { readRules } from './read-rules.js';
import { readStandalonePartitions } from './read-standalone-partitions.js';
import { readStatistics } from './read-statistics.js';
import { readTypes } from './read-types.js';
import { readViews } from './read-views.js';

/** `session` must be idle (not inside a transaction); its search_path is emptied so deparsed SQL is fully qualified. */
export async function readSchemaModel(session: Session, major: number): Promise<SchemaModel> {
  await runQuery(session, 'an empty search_path', "SELECT pg_catalog.set_config('search_path', '', false)");
  const schemas = await readSchemas(session);
  const extensions = await listExtensions(session);
  const sequences = await readSequences(session);
  const standalonePartitions = await readStandalonePartitions(session);
  const tables = (await readTables(session, sequences)).map((t) => {
    const standalone = standalonePartitions.get(JSON.stringify([t.schema, t.name]));
    return standalone ? { ...t, standalone } : t;
  });
  const preData = [
    ...(await readTypes(session)),
    ...(await readRoutines(session)),
    ...(await readCatalogObjects(session)),
    ...sequences.filter((s) => s.identityOf === null).map(({ identityOf: _identityOf, ...sequence }) => sequence),
    ...tables,
    ...(await readViews(session)),
  ];
  const dependencies = await readDependencies(session);
  const objects = orderByDependencies(preData, dependencies);
  const policies = await readPolicies(session);
  const roleNames = new Set<string>();
  const addGrantees = (grants: readonly Grant[] | null) => grants?.forEach((g) => g.grantee && roleNames.add(g.grantee));
  for (const item of [...schemas, ...objects]) {
    if (item.owner !== null) roleNames.add(item.owner);
    addGrantees(item.grants);
  }
  for (const policy of policies) policy.roles.forEach((r) => roleNames.add(r));
  const statistics = await readStatistics(session);
  for (const item of statistics) roleNames.add(item.owner);
  const serverObjects = await readServerObjects(session, major);
  rolesOfServerObjects(serverObjects).forEach((r) => roleNames.add(r));
  for (const role of await listLargeObjectRoles(session)) roleNames.add(role);
  const notCovered = (await listUnsupportedObjects(session)).map((o) => `${o.kind} ${o.name}`);
  const access = await readAccess(session, [...roleNames]);
  return {
    schemas,
    extensions: extensions.filter((e) => e.name !== 'plpgsql'),
    roles: await readRoles(session, access.roles),
    objects,
    indexes: await readIndexes(session),
    constraints: await readConstraints(session),
    triggers: await readTriggers(session, major),
    policies,
    comments: [...(await readComments(session)), ...(await readMoreComments(session))],
    rules: await readRules(session),
    statistics,
    relationSettings: await readRelationSettings(session),
    serverObjects,
    dependencies: Object.fromEntries(dependencies),
    notCovered,
    access: access.access,
  };
}

async function readSchemas(session: Session): Promise<SchemaDef[]> {
  return runQuery<SchemaDef>(
    session,
    'schemas',
    `SELECT n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner, ${grantsJson('n.nspacl', 'n.nspowner')} AS grants
       FROM pg_namespace n
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_namespace', 'n.oid')}
      ORDER BY 1`,
  );
}
