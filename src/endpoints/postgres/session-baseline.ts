/**
 * Settings every session pgferry opens starts with, on either end, as pg_dump pins them: constants the server
 * prints into definitions (a default's date, a partition bound, a check's interval) must read back the same on
 * the other server, and no read may be silently filtered by row-level security.
 */
import { runQuery, type Session } from './run-query.js';

const baseline: ReadonlyArray<readonly [name: string, value: string]> = [
  // A read that row-level security would filter fails instead of returning part of a table.
  ['row_security', 'off'],
  // pg_get_expr prints date and interval constants in the session's style; the other server parses them in its own.
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'postgres'],
  // 3 is exact on every major: shortest round-trip output from 12 on, 17 significant digits before.
  ['extra_float_digits', '3'],
];

export async function applySessionBaseline(session: Session): Promise<void> {
  await setSessionSettings(session, 'the session settings', baseline);
}

/** Sets several settings for the rest of the session in one round trip. */
export async function setSessionSettings(session: Session, purpose: string, settings: ReadonlyArray<readonly [name: string, value: string]>): Promise<void> {
  await runQuery(
    session,
    purpose,
    'SELECT pg_catalog.set_config(s.name, s.value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)',
    [settings.map(([name]) => name), settings.map(([, value]) => value)],
  );
}
