/** One bare HTTP POST as the benches send it to an `@connections` URL, without the AWS SDK. */
import { request, type Agent } from 'node:http';

/** Where {@link rawPost} posts: host, port and path (e.g. `/live/@connections/{connectionId}`). */
export interface RawPostTarget {
  readonly host: string;
  readonly port: number | string;
  readonly path: string;
}

/**
 * POST `body` (sent as `application/json`) to `to` over `agent`'s keep-alive sockets and read
 * the answer to its end. Resolves true on a 200, false on any other status, a socket error or
 * no answer within 5 s; never rejects.
 */
export function rawPost(agent: Agent, to: RawPostTarget, body: Buffer): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const req = request(
      { host: to.host, port: to.port, method: 'POST', path: to.path, agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}
