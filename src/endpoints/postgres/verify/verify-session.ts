/**
 * Session settings under which a row's text is the same on every major and server configuration, so that equal
 * data hashes equally: shortest exact floats, hex bytea, C money, qualified names (UTC and ISO dates come with every
 * session's baseline).
 */
import type { Session } from '../run-query.js';
import { setSessionSettings } from '../session-baseline.js';

const normalizingSettings: ReadonlyArray<readonly [string, string]> = [
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
  ['search_path', ''],
  // money is hashed through its text, which follows lc_monetary.
  ['lc_monetary', 'C'],
];

export async function normalizeSession(session: Session): Promise<void> {
  await setSessionSettings(session, 'the verify session settings', normalizingSettings);
}
