/** Oracle for large objects: each one's owner, grants, comment, size and md5, read straight from the catalogs. */
import type { KindOracle } from './oracle.js';

export const largeObjectsOracle: KindOracle = {
  area: 'large-objects',
  async snapshot(client) {
    const { rows } = await client.query<{ oid: string; owner: string; grants: string[]; comment: string | null; bytes: number; md5: string }>(
      `SELECT m.oid::text AS oid, r.rolname AS owner,
              ARRAY(SELECT coalesce(g.rolname, 'PUBLIC') || ':' || a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END
                      FROM aclexplode(m.lomacl) a LEFT JOIN pg_roles g ON g.oid = a.grantee
                     WHERE a.grantee <> m.lomowner ORDER BY 1) AS grants,
              obj_description(m.oid, 'pg_largeobject') AS comment,
              octet_length(lo_get(m.oid)) AS bytes, md5(lo_get(m.oid)) AS md5
         FROM pg_largeobject_metadata m JOIN pg_roles r ON r.oid = m.lomowner
        ORDER BY m.oid`,
    );
    return Object.fromEntries(rows.map(({ oid, ...rest }) => [`large object ${oid}`, rest]));
  },
  // ALTER LARGE OBJECT … OWNER TO needs membership in the new owner, which the database owner lacks.
  refusedWithoutSuperuser: ['large object 424242'],
};
