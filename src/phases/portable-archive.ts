// Placeholder until the portable archive lands.
import type { SourceEndpoint, TargetEndpoint } from '../endpoints/endpoint.js';
import type { BackupFile } from '../model/backup-manifest.js';
import type { EventListener } from '../model/events.js';
import { PgferryError } from '../errors/pgferry-error.js';
export async function writePortableArchive(_s: SourceEndpoint, _d: string, _o: { lockWaitMs: number; onEvent?: EventListener }): Promise<{ files: BackupFile[]; tables: Array<{ table: string; rows: number }>; notes: string[] }> {
  throw new PgferryError('BACKUP_FAILED', 'the portable archive is not available yet', { hint: '' });
}
export async function restorePortableArchive(_d: string, _t: TargetEndpoint, _o: { privileges: boolean; jobs?: number; onEvent?: EventListener }): Promise<void> {
  throw new PgferryError('RESTORE_FAILED', 'the portable archive is not available yet', { hint: '' });
}
