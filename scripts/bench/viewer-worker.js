/**
 * The benchmark's viewers: lightweight `ws` clients living in a worker thread, so that
 * receiving and timestamping frames runs on its own event loop (and the machine's second
 * core) instead of competing with the local stack in the main thread.
 *
 * Plain CommonJS JavaScript on purpose: `worker_threads` cannot load a .ts file without a
 * loader, and this file needs nothing but `ws`.
 *
 * It records every frame as it arrives — no de-dup by seq, no epoch fencing (the clients'
 * client/buffer.ts): the bench's analysis (scripts/bench/analyze.ts) counts duplicates, gaps
 * and out-of-order frames, which a de-duplicating viewer would hide.
 *
 * Protocol (main → worker, one request at a time, each answered by one reply with the same `id`):
 *   { id, cmd: 'connect', url, tokens: string[], burst }  → { id, ok, connected, failed: string[], ms }
 *       open one connection per token, at most `burst` handshakes in flight (bounded bursts).
 *   { id, cmd: 'send', index, message }                    → { id, ok }
 *   { id, cmd: 'waitFor', type, indexes?: number[], timeoutMs } → { id, ok, got, missing, at: number[] }
 *       wait (bounded) until every listed client (default all) received a message of `type`.
 *   { id, cmd: 'join', from, streamId, burst, timeoutMs } → { id, ok, joined, errors, timedOut, ms, errorCodes, latencies }
 *       send `{action:"join",streamId}` from clients `from…` in bursts of `burst`, each burst
 *       waiting (bounded) for its `joined` or `error` replies.
 *   { id, cmd: 'counts' }  → { id, ok, counts: {type: n} }   (messages received by all clients, by type)
 *   { id, cmd: 'report' }  → { id, ok, clients: ClientReport[] }
 *   { id, cmd: 'memory' } → { id, ok, heapUsed, external, arrayBuffers }  (this worker's heap after a full GC, bytes)
 *   { id, cmd: 'close', timeoutMs } → { id, ok, ms }
 * A failing request answers { id, ok: false, error }.
 *
 * Times are wall epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable with the main thread's clock.
 *
 * ClientReport: { frames: [seq, t, at, dueAt?][], messages: [firstSeq, frameCount, at, bytes, epoch][],
 *   counts: {type: n}, joinedAt?, joined?, endedAt?, endedReason?, closeCode?, errors: string[] }
 */
'use strict';
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');
const { setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

/** A full garbage collection of this worker's heap (the V8 flag set at run time, `gc` from a fresh context). */
function fullGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

const now = () => performance.timeOrigin + performance.now();
const clients = [];

function newClient(ws) {
  const c = { ws, frames: [], messages: [], counts: {}, errors: [], waiters: new Set() };
  ws.on('message', (data) => {
    const at = now();
    const text = data.toString();
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      c.counts.unparsable = (c.counts.unparsable || 0) + 1;
      return;
    }
    const type = typeof m.type === 'string' ? m.type : 'unknown';
    c.counts[type] = (c.counts[type] || 0) + 1;
    if (type === 'frames' && Array.isArray(m.frames) && m.frames.length > 0) {
      for (const f of m.frames) c.frames.push(typeof f.dueAt === 'number' ? [f.seq, f.t, at, f.dueAt] : [f.seq, f.t, at]);
      c.messages.push([m.frames[0].seq, m.frames.length, at, Buffer.byteLength(text), m.epoch]);
    } else if (type === 'joined') {
      c.joinedAt = at;
      c.joined = m;
    } else if (type === 'ended') {
      c.endedAt = at;
      c.endedReason = m.reason;
    } else if (type === 'error') {
      c.errors.push(String(m.code));
    } else if (type === 'message' && typeof m.message === 'string') {
      c.errors.push(`gateway: ${m.message}`); // API Gateway's own replies ("Internal server error", …)
    }
    c.last = { type, at, message: type === 'joined' || type === 'error' ? m : undefined };
    for (const w of c.waiters) w(type);
  });
  ws.on('close', (code) => {
    c.closeCode = code;
    c.closed = true;
    for (const w of c.waiters) w('close');
  });
  ws.on('error', () => undefined);
  return c;
}

function open(url, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('handshake timed out after 20 s'));
    }, 20_000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(newClient(ws));
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`handshake refused: ${res.statusCode}`));
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Resolve once `pred(client)` holds, or after `deadline` (epoch ms); re-checked on every message. */
function until(c, pred, deadline) {
  if (pred(c)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v) => {
      clearTimeout(timer);
      c.waiters.delete(check);
      resolve(v);
    };
    const check = () => {
      if (pred(c)) done(true);
      else if (c.closed) done(false);
    };
    const timer = setTimeout(() => done(pred(c)), Math.max(0, deadline - Date.now()));
    c.waiters.add(check);
  });
}

const handlers = {
  async connect({ url, tokens, burst }) {
    const started = now();
    const failed = [];
    let connected = 0;
    for (let i = 0; i < tokens.length; i += burst) {
      const results = await Promise.allSettled(tokens.slice(i, i + burst).map((t) => open(url, t)));
      for (const r of results) {
        if (r.status === 'fulfilled') {
          clients.push(r.value);
          connected++;
        } else failed.push(String(r.reason && r.reason.message ? r.reason.message : r.reason));
      }
    }
    return { connected, failed: failed.slice(0, 10), failedCount: failed.length, ms: now() - started, total: clients.length };
  },
  async send({ index, message }) {
    const c = clients[index];
    if (!c) throw new Error(`no client ${index}`);
    c.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    return {};
  },
  async waitFor({ type, indexes, timeoutMs }) {
    const deadline = Date.now() + timeoutMs;
    const list = indexes || clients.map((_, i) => i);
    const key = type === 'ended' ? 'endedAt' : type === 'joined' ? 'joinedAt' : undefined;
    const has = (c) => (key ? c[key] !== undefined : (c.counts[type] || 0) > 0);
    const ok = await Promise.all(list.map((i) => until(clients[i], has, deadline)));
    const missing = list.filter((_, k) => !ok[k]);
    return { got: list.length - missing.length, missing: missing.slice(0, 20), missingCount: missing.length, at: list.map((i) => clients[i][key] ?? null) };
  },
  async join({ from, streamId, burst, timeoutMs }) {
    const started = now();
    const deadline = Date.now() + timeoutMs;
    let joined = 0;
    let errors = 0;
    let timedOut = 0;
    const errorCodes = {};
    const latencies = [];
    for (let i = from; i < clients.length && Date.now() < deadline; i += burst) {
      const batch = clients.slice(i, i + burst);
      const sentAt = now();
      for (const c of batch) c.ws.send(JSON.stringify({ action: 'join', streamId }));
      const replied = await Promise.all(batch.map((c) => until(c, (x) => x.joinedAt !== undefined || x.errors.length > 0, deadline)));
      batch.forEach((c, k) => {
        if (c.joinedAt !== undefined) {
          joined++;
          latencies.push(c.joinedAt - sentAt);
        }
        else if (c.errors.length > 0) {
          errors++;
          errorCodes[c.errors[0]] = (errorCodes[c.errors[0]] || 0) + 1;
        } else if (!replied[k]) timedOut++;
      });
    }
    const notSent = Math.max(0, clients.length - from - joined - errors - timedOut);
    return { joined, errors, timedOut: timedOut + notSent, errorCodes, latencies, ms: now() - started };
  },
  async counts() {
    const total = {};
    for (const c of clients) for (const [k, v] of Object.entries(c.counts)) total[k] = (total[k] || 0) + v;
    return { counts: total };
  },
  async memory() {
    const gc = fullGc();
    gc();
    gc();
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  },
  async report() {
    return {
      clients: clients.map((c) => ({
        frames: c.frames,
        messages: c.messages,
        counts: c.counts,
        joinedAt: c.joinedAt,
        joined: c.joined,
        endedAt: c.endedAt,
        endedReason: c.endedReason,
        closeCode: c.closeCode,
        errors: c.errors.slice(0, 5),
      })),
    };
  },
  async close({ timeoutMs }) {
    const started = now();
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      clients.map((c) => {
        if (c.closed) return Promise.resolve(true);
        c.ws.close(1000);
        return until(c, (x) => x.closed === true, deadline).then((ok) => {
          if (!ok) c.ws.terminate();
        });
      }),
    );
    return { ms: now() - started };
  },
};

parentPort.on('message', (req) => {
  const h = handlers[req.cmd];
  if (!h) {
    parentPort.postMessage({ id: req.id, ok: false, error: `unknown command ${req.cmd}` });
    return;
  }
  h(req).then(
    (r) => parentPort.postMessage({ id: req.id, ok: true, ...r }),
    (e) => parentPort.postMessage({ id: req.id, ok: false, error: e && e.message ? e.message : String(e) }),
  );
});
