/** A managed-style target: a database owned by a role with LOGIN, CREATEDB and CREATEROLE, and no superuser. */
import { freshDatabase, withClient, type TestServer } from './servers.js';

let managedCounter = 0;

/** A fresh database on `server` owned by a new non-superuser role; the URL connects as that role. */
export async function managedTarget(server: TestServer): Promise<{ name: string; url: string; owner: string }> {
  managedCounter += 1;
  const owner = `managed_owner_${process.pid}_${managedCounter}`;
  await withClient(server.url(), (c) => c.query(`CREATE ROLE ${owner} LOGIN CREATEDB CREATEROLE PASSWORD 'managed-pw'`));
  const database = await freshDatabase(server);
  await withClient(server.url(), (c) => c.query(`ALTER DATABASE ${database.name} OWNER TO ${owner}`));
  await withClient(server.url(database.name), (c) => c.query(`ALTER SCHEMA public OWNER TO ${owner}`));
  return { name: database.name, url: server.url(database.name, owner, 'managed-pw'), owner };
}
