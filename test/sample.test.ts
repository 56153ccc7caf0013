import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);
const start = fileURLToPath(new URL('../src/sample/start.js', import.meta.url));

describe('npm start', () => {
  it('starts its own servers, loads the Chinook sample, migrates it 17 → 18 and prints the rows of every table', async () => {
    const { stdout } = await run(process.execPath, [start], { timeout: 120_000 });
    assert.match(stdout, /│ public\.track\s+│ 3,503 /);
    assert.match(stdout, /│ public\.playlist_track\s+│ 8,715 /);
    assert.match(stdout, /MIGRATED: 15,\d{3} rows in 11 tables/);
    assert.doesNotMatch(stdout, /pgferry-local/, 'the servers password is masked');
  });
});
