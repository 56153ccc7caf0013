/**
 * The SQLite bench dataset: a typical web application's file (users, sessions, posts, tags, comments, votes)
 * with the types such apps really store — integer keys, ISO text dates and epoch seconds and milliseconds,
 * booleans as 0/1, JSON as text, blobs — a few indexes (one partial) and foreign keys, written to about
 * `sizeMb` MB in WAL mode. Deterministic: the same size gives the same file.
 *
 *   node dist/bench/sqlite-dataset.js <file.sqlite> <size-mb>
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const schema = `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name VARCHAR(100) NOT NULL,
    created_at DATETIME NOT NULL,          -- ISO text 'YYYY-MM-DD HH:MM:SS'
    last_login INTEGER,                    -- epoch seconds
    is_admin BOOLEAN NOT NULL DEFAULT 0,
    settings JSON NOT NULL,
    avatar BLOB
  );
  CREATE TABLE sessions (
    token TEXT PRIMARY KEY,                -- not a rowid alias
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_ms INTEGER NOT NULL,           -- epoch milliseconds
    expires_ms INTEGER NOT NULL,
    user_agent TEXT,
    ip TEXT
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,          -- ISO text with T and Z
    updated_at DATETIME,
    score REAL NOT NULL,
    metadata JSON
  );
  CREATE INDEX posts_user_created ON posts (user_id, created_at);
  CREATE INDEX posts_published ON posts (created_at) WHERE published = 1;
  CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
  CREATE TABLE post_tags (
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (post_id, tag_id)
  ) WITHOUT ROWID;
  CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    parent_id INTEGER REFERENCES comments (id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,           -- epoch seconds
    edited BOOLEAN NOT NULL DEFAULT 0
  );
  CREATE INDEX comments_post ON comments (post_id);
  CREATE TABLE votes (
    user_id INTEGER NOT NULL REFERENCES users (id),
    post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, post_id)
  );
  CREATE INDEX votes_post ON votes (post_id);
`;

/** Rows of each table per batch of users; posts and the rest follow from them. */
const usersPerBatch = 500;
const postsPerUser = 5;
const commentsPerPost = 3;
const votesPerPost = 8;
const tagsPerPost = 3;
const tagCount = 200;
const start = Date.UTC(2020, 0, 1) / 1000;

const words = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur café naïve 東京 😀').split(' ');

/** mulberry32: a small deterministic generator, so a size always gives the same file. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textPool(rnd: () => number, count: number, wordsEach: number): string[] {
  return Array.from({ length: count }, () =>
    Array.from({ length: wordsEach }, () => words[Math.floor(rnd() * words.length)]).join(' '));
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
const isoTz = (seconds: number): string => new Date(seconds * 1000).toISOString();

export interface SqliteDatasetResult {
  readonly bytes: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** Writes the dataset to `path` (which must not exist) until the file holds about `sizeMb` MB. */
export function writeSqliteDataset(path: string, sizeMb: number): SqliteDatasetResult {
  if (existsSync(path)) throw new Error(`${path} exists: the dataset is written to a new file`);
  const began = process.hrtime.bigint();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = OFF');
  db.exec(schema);
  const rnd = random(42);
  const bodies = textPool(rnd, 4096, 90);
  const short = textPool(rnd, 4096, 30);
  const titles = textPool(rnd, 1024, 7);
  const insert = {
    user: db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    session: db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)'),
    post: db.prepare('INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    postTag: db.prepare('INSERT INTO post_tags VALUES (?, ?)'),
    comment: db.prepare('INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?, ?)'),
    vote: db.prepare('INSERT OR IGNORE INTO votes VALUES (?, ?, ?, ?)'),
  };
  db.transaction(() => {
    const tag = db.prepare('INSERT INTO tags VALUES (?, ?)');
    for (let t = 1; t <= tagCount; t++) tag.run(t, `tag-${t}-${words[t % words.length]}`);
  })();
  const rows = { users: 0, sessions: 0, posts: 0, tags: tagCount, post_tags: 0, comments: 0, votes: 0 };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const size = (): number => (db.pragma('page_count', { simple: true }) as number) * pageSize;
  const batch = db.transaction(() => {
    for (let i = 0; i < usersPerBatch; i++) {
      const user = ++rows.users;
      const joined = start + user * 60;
      insert.user.run(user, `user${user}@example.com`, `User ${titles[user % titles.length]}`, iso(joined),
        user % 7 === 0 ? null : joined + Math.floor(rnd() * 3e7), user % 50 === 0 ? 1 : 0,
        JSON.stringify({ theme: user % 2 ? 'dark' : 'light', lang: 'en', notify: [user % 3, user % 5] }),
        user % 4 === 0 ? Buffer.from(bodies[user % bodies.length]!.slice(0, 48)) : null);
      insert.session.run(`${user.toString(16).padStart(8, '0')}${Math.floor(rnd() * 2 ** 48).toString(16)}`, user,
        joined * 1000 + (user % 1000), (joined + 2_592_000) * 1000, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
        `10.${user % 256}.${(user >> 8) % 256}.${user % 7}`);
      rows.sessions++;
      for (let p = 0; p < postsPerUser; p++) {
        const post = ++rows.posts;
        const at = joined + p * 3600 + Math.floor(rnd() * 3600);
        insert.post.run(post, user, titles[post % titles.length], bodies[Math.floor(rnd() * bodies.length)],
          post % 10 === 0 ? 0 : 1, isoTz(at), post % 3 === 0 ? isoTz(at + 86_400) : null, rnd() * 100,
          post % 2 ? JSON.stringify({ views: post % 1000, source: 'web' }) : null);
        for (let t = 0; t < tagsPerPost; t++) insert.postTag.run(post, ((post + t * 7) % tagCount) + 1);
        rows.post_tags += tagsPerPost;
        let first = 0;
        for (let c = 0; c < commentsPerPost; c++) {
          const comment = ++rows.comments;
          if (c === 0) first = comment;
          insert.comment.run(comment, post, 1 + Math.floor(rnd() * user), c === 0 ? null : first,
            short[Math.floor(rnd() * short.length)], at + 60 * (c + 1), comment % 11 === 0 ? 1 : 0);
        }
        for (let v = 0; v < votesPerPost; v++) {
          rows.votes += insert.vote.run(1 + Math.floor(rnd() * user), post, rnd() < 0.8 ? 1 : -1, iso(at + v * 30)).changes;
        }
      }
    }
  });
  while (size() < sizeMb * 1024 * 1024) batch();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = size();
  db.close();
  return { bytes, rows, seconds: Number(process.hrtime.bigint() - began) / 1e9 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [path, mb] = process.argv.slice(2);
  if (!path || !mb || !(Number(mb) > 0)) {
    console.error('usage: node dist/bench/sqlite-dataset.js <file.sqlite> <size-mb>');
    process.exit(2);
  }
  const result = writeSqliteDataset(path, Number(mb));
  console.log(JSON.stringify({ ...result, mb: Math.round(result.bytes / 1048576) }));
}
