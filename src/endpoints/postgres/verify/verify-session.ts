/**
 * Session settings under which a row's text is the same on every major and server configuration, so that equal
 * data hashes equally: timestamps in UTC and ISO style, shortest exact floats, hex bytea, qualified names.
 */
import type { Session } from '../run-query.js';
import { setSessionSettings } from '../session-baseline.js';

const normalizingSettings: ReadonlyArray<readonly [string, string]> = [
  ['TimeZone', 'UTC'],
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'postgres'],
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
  ['search_path', ''],
  ['statement_timeout', '0'],
];

export async function normalizeSession(session: Session): Promise<void> {
  await setSessionSettings(session, 'the verify session settings', normalizingSettings);
}
