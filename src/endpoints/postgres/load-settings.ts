/** Session settings for a target session that loads rows and builds indexes; what each major accepts is in a lookup table. */
import { runQuery, type Session } from './run-query.js';

const loadSettings: ReadonlyArray<{ readonly minMajor: number; readonly name: string; readonly value: string }> = [
  // Every name in the DDL is qualified; an empty search_path keeps user objects from shadowing anything.
  { minMajor: 0, name: 'search_path', value: '' },
  // A step is journaled done when COMMIT returns, so COMMIT must mean durable: a target that crashes after an
  // asynchronous commit loses the work the journal calls done. Pinned, as the database may default to off.
  { minMajor: 0, name: 'synchronous_commit', value: 'on' },
  { minMajor: 0, name: 'maintenance_work_mem', value: '256MB' },
  { minMajor: 0, name: 'statement_timeout', value: '0' },
  // Without it a killed client's CREATE INDEX runs on to the end and commits behind a resumed run's back.
  { minMajor: 14, name: 'client_connection_check_interval', value: '1s' },
];

export async function tuneLoadSession(session: Session, major: number): Promise<void> {
  for (const setting of loadSettings.filter((s) => major >= s.minMajor)) {
    await runQuery(session, `setting ${setting.name}`, 'SELECT pg_catalog.set_config($1, $2, false)', [setting.name, setting.value]);
  }
}
