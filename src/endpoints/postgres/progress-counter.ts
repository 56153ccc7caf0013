/** Counting the bytes a copy moves, for progress. */
import { Transform } from 'node:stream';

/** A pass-through that counts bytes and reports them at most every half second. */
export function progressCounter(onProgress: ((bytes: number) => void) | undefined): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  let reportedAt = Date.now();
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (onProgress && Date.now() - reportedAt >= 500) {
        reportedAt = Date.now();
        onProgress(bytes);
      }
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}
