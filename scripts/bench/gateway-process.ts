/**
 * Start the local gateway in a child process (scripts/bench/gateway-child.ts) on 127.0.0.1,
 * with virtual connections, and talk to it: its callback URL, the ids, its management counts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { GatewayLimits, ManagementStats } from '../../local/gateway';

/** A running gateway child. `close()` ends it (always call it). */
export interface GatewayChild {
  readonly callbackUrl: string;
  /** The virtual connection ids it registered. */
  readonly ids: string[];
  /** Its `@connections` request and 429 counts so far. */
  stats(): Promise<ManagementStats>;
  close(): Promise<void>;
}

/** Fork the gateway with `limits` and `virtual` virtual connections. Rejects when it exits or says nothing within 60 s. */
export function startGatewayChild(limits: GatewayLimits, virtual: number): Promise<GatewayChild> {
  const child: ChildProcess = fork(join(__dirname, 'gateway-child.ts'), [JSON.stringify({ limits, virtual })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the gateway child did not start within 60 s'));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway child exited (${code})`));
    });
    child.once('message', (m: { type: string; callbackUrl: string; ids: string[] }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        callbackUrl: m.callbackUrl,
        ids: m.ids,
        stats: () =>
          new Promise<ManagementStats>((res) => {
            child.once('message', (s: { stats: ManagementStats }) => res(s.stats));
            child.send({ type: 'stats' });
          }),
        close: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              res();
            });
            child.send({ type: 'close' });
          }),
      });
    });
  });
}
