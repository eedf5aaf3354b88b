/**
 * The local gateway in a process of its own, for the poster and AWS-model benches: the
 * parent's CPU time then counts the client's work only. Started by {@link startGatewayChild}
 * (scripts/bench/gateway-process.ts) with its options as JSON in argv[2]
 * (`{ limits, virtual }`); listens on 127.0.0.1:0, registers `virtual` virtual connections,
 * sends `{ callbackUrl, ids }` to the parent, then answers `stats` with the gateway's
 * management counts and exits on `close`.
 */
import { LocalWebSocketGateway, type GatewayLimits } from '../../local/gateway';

interface ChildOptions {
  limits?: GatewayLimits;
  virtual: number;
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{"virtual":0}') as ChildOptions;
  const gw = new LocalWebSocketGateway({ stageName: 'bench', routeSelectionExpression: '$request.body.action', routes: {}, limits: opts.limits });
  await gw.listen(0, '127.0.0.1');
  const ids = gw.addVirtualConnections(opts.virtual);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') process.send!({ type: 'stats', stats: gw.managementStats() });
    if (m.type === 'close') void gw.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => void gw.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', callbackUrl: gw.callbackUrl, ids });
}

void main();
