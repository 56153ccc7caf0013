/** Session settings for a target session that loads rows and builds indexes; what each major accepts is in a lookup table. */
import type { Session } from './run-query.js';
import { setSessionSettings } from './session-baseline.js';

const loadSettings: ReadonlyArray<{ readonly minMajor: number; readonly name: string; readonly value: string }> = [
  // Every name in the DDL is qualified; an empty search_path keeps user objects from shadowing anything.
  { minMajor: 0, name: 'search_path', value: '' },
  // A step is journaled done when COMMIT returns, so COMMIT must mean durable: a target that crashes after an
  // asynchronous commit loses the work the journal calls done. Pinned, as the database may default to off.
  { minMajor: 0, name: 'synchronous_commit', value: 'on' },
  { minMajor: 0, name: 'maintenance_work_mem', value: '256MB' },
  // Steps wait for each other's locks by design (an ANALYZE behind a foreign key's validation).
  { minMajor: 0, name: 'lock_timeout', value: '0' },
  // Without it a killed client's CREATE INDEX runs on to the end and commits behind a resumed run's back.
  { minMajor: 14, name: 'client_connection_check_interval', value: '1s' },
];

export async function tuneLoadSession(session: Session, major: number): Promise<void> {
  const settings = loadSettings.filter((s) => major >= s.minMajor).map((s) => [s.name, s.value] as const);
  await setSessionSettings(session, 'the load session settings', settings);
}
