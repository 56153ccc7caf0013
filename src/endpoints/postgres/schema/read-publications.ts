/** Publications: FOR ALL TABLES, a table list (with column lists and row filters on 15+) or schemas (15+). */
import type { PublicationDef, PublishedTable } from '../../../model/server-objects.js';
import { runQuery, type Session } from '../run-query.js';

/** Column lists, row filters and FOR TABLES IN SCHEMA came with PostgreSQL 15. */
function publishedTablesSql(major: number): string {
  const since15 = major >= 15;
  return `SELECT p.pubname AS publication, n.nspname AS schema, c.relname AS name,
            ${since15 ? `(SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = r.prrelid AND a.attnum = ANY(r.prattrs))` : 'NULL'} AS columns,
            ${since15 ? 'pg_get_expr(r.prqual, r.prrelid)' : 'NULL'} AS row_filter
       FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid
       JOIN pg_class c ON c.oid = r.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      ORDER BY 1, 2, 3`;
}

export async function readPublications(session: Session, major: number): Promise<PublicationDef[]> {
  const publications = await runQuery<{ name: string; owner: string; comment: string | null; all_tables: boolean; publish: PublicationDef['publish']; via_root: boolean }>(
    session,
    'publications',
    `SELECT p.pubname AS name, pg_get_userbyid(p.pubowner) AS owner, obj_description(p.oid, 'pg_publication') AS comment,
            p.puballtables AS all_tables, p.pubviaroot AS via_root,
            array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                               CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END], NULL) AS publish
       FROM pg_publication p ORDER BY 1`,
  );
  if (publications.length === 0) return [];
  const tables = await runQuery<PublishedTable & { publication: string; row_filter: string | null }>(session, 'published tables', publishedTablesSql(major));
  const schemas =
    major >= 15
      ? await runQuery<{ publication: string; schema: string }>(
          session,
          'published schemas',
          `SELECT p.pubname AS publication, n.nspname AS schema FROM pg_publication_namespace pn
             JOIN pg_publication p ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid ORDER BY 1, 2`,
        )
      : [];
  return publications.map((p) => ({
    name: p.name,
    owner: p.owner,
    comment: p.comment,
    allTables: p.all_tables,
    tables: tables
      .filter((t) => t.publication === p.name)
      .map((t) => ({ schema: t.schema, name: t.name, columns: t.columns, rowFilter: t.row_filter })),
    schemas: schemas.filter((s) => s.publication === p.name).map((s) => s.schema),
    publish: p.publish,
    viaPartitionRoot: p.via_root,
  }));
}
