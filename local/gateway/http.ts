/** Small HTTP helpers of the local gateway and the local HTTP API: JSON answers, bounded bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answer `status` with `body` as JSON (`content-type`, `content-length` set), plus `headers`. */
export function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

/**
 * Read a request body of at most `limit` bytes. Resolves with the body, or `undefined` when it
 * is longer (the rest is still read and dropped, so the connection stays usable). Rejects with
 * the request's stream error.
 */
export function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, rejectRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    // One chunk (a fan-out post's usual body) is the body itself: no copy.
    req.on('end', () => resolve(over ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', rejectRead);
  });
}

/**
 * Answer `status` with `body` as text of `contentType` (`content-length` set), plus `headers`.
 * For a `HEAD` request Node sends the headers only.
 */
export function text(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}
