/** A TCP proxy in front of a test server that counts the bytes the server sends: what a command fetched, measured outside it. */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ByteCountingProxy {
  readonly port: number;
  /** Bytes the server sent through the proxy since it started. */
  readonly bytesFromServer: number;
  close(): Promise<void>;
}

export async function byteCountingProxy(serverPort: number): Promise<ByteCountingProxy> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const server = connect(serverPort, '127.0.0.1');
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    server.on('data', (chunk: Buffer) => (bytes += chunk.length));
    client.pipe(server);
    server.pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    get bytesFromServer() {
      return bytes;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
