/**
 * `npm run bench -- …`: the PostgreSQL bench (bench/run-bench.ts) unless the first argument is `sqlite`, which runs
 * the SQLite bench (bench/sqlite-bench.ts, pgferry against pgloader) with the arguments after it.
 */
if (process.argv[2] === 'sqlite') {
  process.argv.splice(2, 1);
  await import('./sqlite-bench.js');
} else {
  await import('./run-bench.js');
}

export {};
