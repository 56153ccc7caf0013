/**
 * The plan's cutover section and `pgferry cutover --dry-run`: every step and hook in order with its timeout and the
 * variables it gets, the rollback, passwords masked, nothing run (a hook that would leave a file leaves none).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './harness/cli.js';

function planFile(cutover: string): { plan: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pgferry-cutover-'));
  const plan = join(dir, 'plan.yaml');
  writeFileSync(plan, `source: postgres://app:old-secret@old-db:5432/app\ntarget: postgres://app:new-secret@new-db:5432/app\n${cutover}`);
  return { plan, dir };
}

describe('pgferry cutover --dry-run', () => {
  it('prints the steps in order with their hooks, timeouts and variables, and the rollback, running nothing', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'pgferry-cutover-marker-')), 'ran');
    const { plan } = planFile(`cutover:
  fence: { run: "touch ${marker}", timeout: 45s }
  switch: { run: 'echo "$PGFERRY_SWITCH_TO" > ${marker}' }
  start: { run: "touch ${marker}", timeout: 2m }
  health: { url: "https://app.example.com/healthz", timeout: 90 }
`);
    const run = await cli('cutover', '--plan', plan, '--dry-run');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const names = [...run.stdout.matchAll(/^ {2}\d\. (\w+):/gm)].map((m) => m[1]);
    assert.deepEqual(names, ['fence', 'final', 'switch', 'start', 'health', 'switch', 'start', 'health']);
    assert.match(run.stdout, /1\. fence: stop writes to the source \(hook\) \(timeout 45s\)/);
    assert.match(run.stdout, /4\. start: start the application \(hook\) \(timeout 120s\)/);
    assert.match(run.stdout, /5\. health: wait for https:\/\/app\.example\.com\/healthz to answer 2xx \(timeout 90s\)/);
    assert.match(run.stdout, /PGFERRY_PHASE=switch PGFERRY_SWITCH_TO=postgres:\/\/app:\*\*\*\*@new-db:5432\/app/);
    assert.match(run.stdout, /PGFERRY_PHASE=rollback PGFERRY_SWITCH_TO=postgres:\/\/app:\*\*\*\*@old-db:5432\/app/);
    assert.match(run.stdout, /DRY RUN: nothing was run\./);
    assert.doesNotMatch(run.stdout + run.stderr, /old-secret|new-secret/);
    assert.equal(existsSync(marker), false, 'no hook ran');
    const json = await cli('cutover', '--plan', plan, '--dry-run', '--json');
    const parsed = JSON.parse(json.stdout) as { steps: Array<{ name: string }>; rollback: Array<{ name: string }> };
    assert.deepEqual(parsed.rollback.map((s) => s.name), ['switch', 'start', 'health']);
    assert.doesNotMatch(json.stdout, /old-secret|new-secret/);
  });

  it('with a read-only fence, the rollback makes the source writable again', async () => {
    const { plan } = planFile('cutover:\n  fence: { readOnlySource: true }\n  switch: { run: "true" }\n  health: { run: "curl -fsS http://localhost:8080/healthz" }\n');
    const run = await cli('cutover', '--plan', plan, '--dry-run');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1\. fence: make the source database read-only[^\n]*\(timeout 60s\)/);
    assert.match(run.stdout, /2\. fence: make the source writable again/);
    assert.match(run.stdout, /health: wait for the health command to exit 0 \(hook\) \(timeout 120s\)\n\s+run: curl -fsS/);
  });

  it('names what is wrong in a cutover section, and says when there is none', async () => {
    const noHealth = await cli('cutover', '--plan', planFile('cutover:\n  fence: { readOnlySource: true }\n  switch: { run: "true" }\n').plan, '--dry-run');
    assert.equal(noHealth.code, 2);
    assert.match(noHealth.stderr, /PLAN_INVALID[\s\S]*cutover\.health/);
    const badTimeout = await cli('cutover', '--plan', planFile('cutover:\n  fence: { run: "true", timeout: soon }\n  switch: { run: "true" }\n  health: { run: "true" }\n').plan, '--dry-run');
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /PLAN_INVALID[\s\S]*cutover\.fence/);
    const none = await cli('cutover', '--plan', planFile('').plan, '--dry-run');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /PLAN_INVALID\]: the plan has no cutover section[\s\S]*fence/);
  });

  it('does not run a cutover in this version, and says so', async () => {
    const { plan } = planFile('cutover:\n  fence: { readOnlySource: true }\n  switch: { run: "true" }\n  health: { run: "true" }\n');
    const run = await cli('cutover', '--plan', plan);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /NOT_AVAILABLE[\s\S]*--dry-run/);
  });
});
