/**
 * Start a node `net`/`http` server listening and resolve with its port — rejecting with the
 * listen error (`EADDRINUSE`, `EACCES`) instead of leaving an unhandled 'error' event.
 * Every local stand-in binds 127.0.0.1 by default; port 0 picks a free port.
 */
import type { AddressInfo, Server } from 'node:net';

export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
