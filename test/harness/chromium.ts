/**
 * Headless Chromium driven through the DevTools protocol over a pipe (--remote-debugging-pipe: commands on fd 3,
 * replies on fd 4, each message JSON ended by a NUL byte): open a page at a phone's size, evaluate script in it,
 * take a screenshot. No network, no driver library.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

export interface Viewport {
  readonly width: number;
  readonly height: number;
  readonly mobile: boolean;
}

export const phone: Viewport = { width: 390, height: 844, mobile: true };

export interface Page {
  /** The value of a JavaScript expression evaluated in the page (returned by value). */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the page, `fullPage` including what lies below the viewport. */
  screenshot(fullPage?: boolean): Promise<Buffer>;
  close(): Promise<void>;
}

type Reply = { id?: number; result?: Record<string, unknown>; error?: { message: string } };

/** Opens `file` in a fresh headless Chromium at `viewport`; the page is loaded when this resolves. */
export async function openPage(file: string, viewport: Viewport = phone): Promise<Page> {
  const profile = mkdtempSync(join(tmpdir(), 'pgferry-chromium-'));
  const child: ChildProcess = spawn(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      `--window-size=${viewport.width},${viewport.height}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let buffered = Buffer.alloc(0);
  output.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const message = JSON.parse(buffered.subarray(0, end).toString('utf8')) as Reply;
      buffered = buffered.subarray(end + 1);
      const pending = message.id === undefined ? undefined : waiting.get(message.id);
      if (!pending) continue;
      waiting.delete(message.id!);
      if (message.error) pending.reject(new Error(`chromium: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`chromium exited: ${stderr.slice(-2000)}`));
    waiting.clear();
  });
  let nextId = 0;
  const send = (method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      nextId += 1;
      const timer = setTimeout(() => reject(new Error(`chromium did not answer ${method} within 30 s`)), 30_000);
      waiting.set(nextId, { resolve: (r) => (clearTimeout(timer), resolve(r)), reject: (e) => (clearTimeout(timer), reject(e)) });
      input.write(`${JSON.stringify({ id: nextId, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const close = async () => {
    child.kill('SIGKILL');
    await exited;
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const inPage = (method: string, params: object = {}) => send(method, params, sessionId);
    await inPage('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: viewport.mobile });
    await inPage('Page.enable');
    await inPage('Page.navigate', { url: pathToFileURL(file).href });
    const evaluate = async <T>(expression: string): Promise<T> => {
      const reply = (await inPage('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (reply.exceptionDetails) throw new Error(`in the page: ${reply.exceptionDetails.text}`);
      return reply.result.value;
    };
    for (let i = 0; (await evaluate<string>('location.protocol + document.readyState')) !== 'file:complete'; i += 1) {
      if (i > 200) throw new Error('the page did not load within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      evaluate,
      screenshot: async (fullPage = false) => {
        const clip = fullPage ? { clip: { x: 0, y: 0, width: viewport.width, height: await evaluate<number>('document.documentElement.scrollHeight'), scale: 1 }, captureBeyondViewport: true } : {};
        const { data } = (await inPage('Page.captureScreenshot', { format: 'png', ...clip })) as { data: string };
        return Buffer.from(data, 'base64');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
