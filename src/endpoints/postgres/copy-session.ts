/**
 * The one place that pins the settings of every copy session, source and target alike, so that a value's text
 * (dates, intervals, floats, bytea, money, names) is written and read under the same rules whatever the
 * database, role or server defaults say.
 */
import type { Session } from './run-query.js';
import { setSessionSettings } from './session-baseline.js';

/**
 * Settings pinned on both ends of every copy, on top of the baseline every session gets (session-baseline.ts:
 * DateStyle, IntervalStyle, extra_float_digits, TimeZone, row_security, lifted timeouts); add here anything else that changes a value's text
 * or a session's waits.
 */
const copySettings: ReadonlyArray<readonly [name: string, value: string]> = [
  ['client_encoding', 'UTF8'],
  ['bytea_output', 'hex'],
  // money's text follows lc_monetary (symbol, separators, decimals); C is installed everywhere.
  ['lc_monetary', 'C'],
  // A fragment or a document: CONTENT accepts what either side may hold, as pg_dump does.
  ['xmloption', 'content'],
  ['array_nulls', 'on'],
  // regclass, regtype… are written schema-qualified and read back by name.
  ['search_path', ''],
  // The server notices a vanished client within a minute instead of holding its snapshot for hours.
  ['tcp_keepalives_idle', '30'],
  ['tcp_keepalives_interval', '10'],
  ['tcp_keepalives_count', '3'],
];

/** Pins the copy settings on one session (one round trip). */
export async function pinCopySession(session: Session): Promise<void> {
  await setSessionSettings(session, 'the copy session settings', copySettings);
}
