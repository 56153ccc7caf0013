/** Functions, procedures and aggregates of user schemas, as CREATE statements from the source itself. */
import type { Grant, RoutineDef } from '../../../model/schema-model.js';
import { runQuery, type Session } from '../run-query.js';
import { grantsJson, isNotExtensionMember, isUserSchema } from '../sql.js';
import { ownedObject } from './owned-object.js';

interface RoutineRow {
  oid: number;
  schema: string;
  name: string;
  owner: string;
  prokind: 'f' | 'p' | 'a' | 'w';
  identity_arguments: string;
  definition: string;
  grants: Grant[] | null;
}

const routineKinds = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' } as const;

/** Needs search_path = ''. Ordered-set aggregates name their arguments as "integer ORDER BY text". */
export async function readRoutines(session: Session): Promise<RoutineDef[]> {
  const rows = await runQuery<RoutineRow>(
    session,
    'functions, procedures and aggregates',
    `SELECT p.oid::int AS oid, n.nspname AS schema, p.proname AS name, pg_get_userbyid(p.proowner) AS owner, p.prokind,
            pg_get_function_identity_arguments(p.oid) AS identity_arguments,
            ${grantsJson('p.proacl', 'p.proowner')} AS grants,
            CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid)
                 ELSE format('CREATE AGGREGATE %I.%I(%s) (%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                        array_to_string(array_remove(ARRAY[
                          'SFUNC = ' || a.aggtransfn::regproc::text,
                          'STYPE = ' || format_type(a.aggtranstype, NULL),
                          CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
                          CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::regproc::text END,
                          CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                          -- The default is READ_ONLY, and READ_WRITE for ordered-set and hypothetical-set aggregates.
                          CASE WHEN a.aggfinalfn <> 0 AND a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END
                               THEN 'FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
                          CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END,
                          CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc::text END,
                          CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::regproc::text END,
                          CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || a.aggdeserialfn::regproc::text END,
                          CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(a.agginitval) END,
                          CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END], NULL), ', '))
            END AS definition
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
      WHERE ${isUserSchema('n.nspname')} AND ${isNotExtensionMember('pg_proc', 'p.oid')}
        -- Constructors a range type creates for itself (internal dependency) come back with the type.
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')
      ORDER BY 2, 3, 6`,
  );
  return rows.map((r) => ({
    kind: 'routine',
    ...ownedObject(r, 'proc'),
    routineKind: routineKinds[r.prokind],
    identityArguments: r.identity_arguments,
    definition: r.definition,
  }));
}
