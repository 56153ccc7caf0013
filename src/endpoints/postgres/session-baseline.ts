/**
 * Settings every session pgferry opens starts with, on either end, as pg_dump pins them: constants the server
 * prints into definitions (a default's date, a partition bound, a check's interval) must read back the same on
 * the other server, no read may be silently filtered by row-level security, and a timeout a DBA set for
 * applications must not end a snapshot, a copy or a lock pgferry holds on purpose. Waits for another session's
 * lock are bounded instead.
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
  // Timestamps with time zone in definitions (a partition bound) are printed in the session's zone.
  ['TimeZone', 'UTC'],
  ['statement_timeout', '0'],
  // The snapshot leader and the run lock sit idle in their transactions for the whole copy.
  ['idle_in_transaction_session_timeout', '0'],
  // The pipeline's own target session waits idle while the workers load (PostgreSQL 14+).
  ['idle_session_timeout', '0'],
  ['transaction_timeout', '0'],
];

/**
 * `lockWaitSeconds`: a table another session keeps locked fails the read (TABLE_LOCKED) after that long instead of
 * waiting forever; load sessions, whose steps wait on each other by design, lift it.
 */
export async function applySessionBaseline(session: Session, lockWaitSeconds: number): Promise<void> {
  await setSessionSettings(session, 'the session settings', [...baseline, ['lock_timeout', `${lockWaitSeconds}s`]]);
}

/** Sets several settings for the rest of the session in one round trip; a setting this major lacks is skipped. */
export async function setSessionSettings(session: Session, purpose: string, settings: ReadonlyArray<readonly [name: string, value: string]>): Promise<void> {
  await runQuery(
    session,
    purpose,
    `SELECT pg_catalog.set_config(s.name, s.value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)
      WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_settings p WHERE lower(p.name) = lower(s.name))`,
    [settings.map(([name]) => name), settings.map(([, value]) => value)],
  );
}
