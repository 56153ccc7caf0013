/** Where a SQLite source is: the file a sqlite:// URL or a bare path names. */
import { resolve } from 'node:path';

const bareFile = /\.(sqlite3?|db)$/i;

/** Whether `url` names a SQLite file: sqlite://… or a path ending .db, .sqlite or .sqlite3. */
export function isSqliteLocation(url: string): boolean {
  return /^sqlite:\/\//i.test(url) || (bareFile.test(url) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url));
}

/** The absolute path of the file: sqlite:///abs/app.db → /abs/app.db; sqlite://app.db and app.db are relative to the working directory. */
export function sqliteFilePath(url: string): string {
  const path = /^sqlite:\/\//i.test(url) ? decodeURIComponent(url.slice('sqlite://'.length).replace(/[?#].*$/, '')) : url;
  return resolve(path);
}
