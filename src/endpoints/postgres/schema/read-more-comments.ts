/**
 * Comments read-comments.ts leaves out: on domain constraints, composite-type columns, the public schema, and
 * extensions whose comment is not their default one. For the last two, an empty text stands for "no comment"
 * (COMMENT … IS '' removes one), so a comment removed on the source is removed on the target too.
 */
import type { CommentDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { isNotExtensionMember, isUserSchema } from '../sql.js';

export async function readMoreComments(session: Session): Promise<CommentDef[]> {
  return runQuery<CommentDef>(
    session,
    'comments on domain constraints, composite-type columns, the public schema and extensions',
    `SELECT format('CONSTRAINT %I ON DOMAIN %I.%I', c.conname, n.nspname, t.typname) AS target, d.description AS text
       FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = c.oid
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_type', 't.oid')}
     UNION ALL
     SELECT format('COLUMN %I.%I.%I', n.nspname, t.typname, a.attname), d.description
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = t.typrelid AND d.objsubid = a.attnum
      WHERE t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'
        AND ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_type', 't.oid')}
     UNION ALL
     -- Only the built-in public schema (a recreated one is a user schema like any other, read-comments reads it).
     SELECT 'SCHEMA public', coalesce(obj_description(n.oid, 'pg_namespace'), '')
       FROM pg_namespace n WHERE n.nspname = 'public' AND n.oid < 16384
     UNION ALL
     SELECT format('EXTENSION %I', e.extname), coalesce(obj_description(e.oid, 'pg_extension'), '')
       FROM pg_extension e LEFT JOIN pg_available_extensions a ON a.name = e.extname
      WHERE e.extname <> 'plpgsql' AND coalesce(obj_description(e.oid, 'pg_extension'), '') <> coalesce(a.comment, '')
      ORDER BY 1`,
  );
}
