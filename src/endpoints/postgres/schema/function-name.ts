/** SQL expression: the function with this oid as a qualified, quoted name without arguments (NULL for oid 0). */
export function functionName(oid: string): string {
  return `(SELECT format('%I.%I', fn.nspname, f.proname) FROM pg_proc f JOIN pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = ${oid})`;
}
