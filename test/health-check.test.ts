/**
 * The cutover's health check against a real local HTTP server and real commands: healthy once the answer is 2xx (or
 * the command exits 0), unhealthy at the timeout with the last answer, a refused connection named.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freeLoopbackPort } from '../src/embedded/free-port.js';
import { waitHealthy } from '../src/run/health-check.js';

async function serving(statuses: number[]): Promise<{ url: string; server: Server; asked: () => number }> {
  let asked = 0;
  const server = createServer((_, response) => {
    const status = statuses[Math.min(asked, statuses.length - 1)]!;
    asked += 1;
    response.writeHead(status).end(String(status));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, server, asked: () => asked };
}

const dir = () => mkdtempSync(join(tmpdir(), 'pgferry-health-'));

describe('the cutover health check', () => {
  it('waits for a URL to answer 2xx, and gives up at the timeout with the last status', async () => {
    const starting = await serving([503, 503, 200]);
    const healthy = await waitHealthy({ url: starting.url }, 10, {}, dir());
    starting.server.close();
    assert.deepEqual([healthy.healthy, healthy.attempts, healthy.last], [true, 3, 'HTTP 200']);
    const broken = await serving([500]);
    const unhealthy = await waitHealthy({ url: broken.url }, 1.2, {}, dir());
    broken.server.close();
    assert.equal(unhealthy.healthy, false);
    assert.equal(unhealthy.last, 'HTTP 500');
    assert.ok(unhealthy.ms >= 1000 && unhealthy.ms < 3000, `gave up at the timeout: ${unhealthy.ms} ms`);
  });

  it('names a refused connection', async () => {
    const port = await freeLoopbackPort();
    const outcome = await waitHealthy({ url: `http://127.0.0.1:${port}/` }, 1, {}, dir());
    assert.deepEqual([outcome.healthy, outcome.last], [false, 'ECONNREFUSED']);
  });

  it('runs a command again until it exits 0, with the run\'s variables', async () => {
    const work = dir();
    const marker = join(work, 'up');
    setTimeout(() => writeFileSync(marker, ''), 700);
    const outcome = await waitHealthy({ run: `test -f "${marker}" && test "$PGFERRY_PHASE" = health` }, 10, { PGFERRY_PHASE: 'health' }, work);
    assert.equal(outcome.healthy, true);
    assert.ok(outcome.attempts >= 2, `asked more than once: ${outcome.attempts}`);
    const never = await waitHealthy({ run: 'echo not yet; exit 3' }, 1, {}, work);
    assert.deepEqual([never.healthy, never.last], [false, 'exit 3: not yet']);
  });
});
