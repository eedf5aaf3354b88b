/**
 * The terminal client against a scripted fake server speaking PROTOCOL.md on 127.0.0.1:0
 * (the end-to-end run against local mode is the lead's). Tennis data modelled on match
 * 2012-wimbledon-1701 (Tennis Abstract, CC BY-NC-SA 4.0).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { JoinedMessage, ServerMessage, WireFrame } from '../../protocol/messages';
import { parseWatchArgs, runWatch, watchMain, EXIT_INTERRUPTED, type WatchOptions } from '../../scripts/watch';
import { tennis, type TennisState } from '../../kinds/tennis';

type Handler = (ws: WebSocket, req: IncomingMessage, n: number) => void;

/** A WebSocket server (plus `/dev/token`) whose n-th connection runs `handlers[n]`; records what clients send. */
class FakeServer {
  readonly received: Array<Record<string, unknown>[]> = [];
  readonly tokens: string[] = [];
  private handlers: Handler[] = [];
  private readonly wss: WebSocketServer;
  private constructor(
    readonly http: Server,
    readonly port: number,
  ) {
    this.wss = new WebSocketServer({
      server: http,
      verifyClient: (info, cb) => {
        const token = new URL(info.req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
        this.tokens.push(token);
        if (token === 'bad') cb(false, 401, 'Unauthorized');
        else cb(true);
      },
    });
    this.wss.on('connection', (ws, req) => {
      const n = this.received.length;
      const msgs: Record<string, unknown>[] = [];
      this.received.push(msgs);
      ws.on('message', (d) => msgs.push(JSON.parse(String(d)) as Record<string, unknown>));
      this.handlers[n]?.(ws, req, n);
    });
  }

  static async start(): Promise<FakeServer> {
    const http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/dev/token') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `dev-${url.searchParams.get('user')}` }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    return new FakeServer(http, (http.address() as AddressInfo).port);
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  script(...handlers: Handler[]): void {
    this.handlers = handlers;
    this.received.length = 0;
    this.tokens.length = 0;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise((r) => this.wss.close(r));
    this.http.closeAllConnections();
    await new Promise((r) => this.http.close(r));
  }
}

const send = (ws: WebSocket, m: ServerMessage) => ws.send(JSON.stringify(m));

/** Resolve once `check` holds (polling every 5 ms, at most `ms`). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Call `then` after the client sent a message with this action on `ws`'s connection. */
function onAction(server: FakeServer, n: number, action: string, then: (m: Record<string, unknown>) => void): void {
  void until(() => server.received[n]?.some((m) => m.action === action) === true).then(
    () => then(server.received[n]!.find((m) => m.action === action)!),
    () => undefined,
  );
}

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

const STREAM = 'spectate:2012-wimbledon-1701';
const joined = (over: Partial<JoinedMessage> = {}): JoinedMessage => ({
  type: 'joined', streamId: STREAM, gameId: '2012-wimbledon-1701', kind: 'tennis', title: 'Wimbledon 2012 final: Roger Federer v Andy Murray',
  mode: 'spectate', role: 'spectator', status: 'starting', speed: 64, epoch: 1, positionMs: 0, positionSeq: 0, durationMs: 14_320_000,
  frameCount: 288, clients: 1, ...over,
});
/** A point of the first game: Federer serving. */
const point = (seq: number, winner: 1 | 2, pts: [string, string]): WireFrame => ({
  seq, t: seq * 19_000, type: 'point', data: { set: 1, games: [0, 0], points: pts, tiebreak: false, setsWon: [0, 0], server: 1, winner, serveSpeedKmh: 170 + seq },
});
const framesMsg = (epoch: number, frames: WireFrame[]): ServerMessage => ({ type: 'frames', streamId: STREAM, epoch, frames });

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
});
afterAll(() => server.close());

const base = (over: Partial<WatchOptions> = {}): WatchOptions => ({
  wsUrl: server.wsUrl, token: 'tok', gameId: '2012-wimbledon-1701', reconnect: { baseMs: 5, capMs: 20, attempts: 3 }, ...over,
});

test('spectate: header, point lines, a dropped connection rejoined, duplicates and stale frames dropped, ended', async () => {
  let tokenCalls = 0;
  server.script(
    (ws) => {
      onAction(server, 0, 'start', () => {
        send(ws, joined());
        send(ws, { type: 'presence', streamId: STREAM, clients: 1, players: 0, spectators: 1 });
        send(ws, { type: 'state', streamId: STREAM, status: 'playing', speed: 64, epoch: 1, positionMs: 0, positionSeq: 0, by: 'system' });
        send(ws, framesMsg(1, [point(0, 2, ['0', '15']), point(1, 1, ['15', '15']), point(2, 1, ['30', '15'])]));
        setTimeout(() => ws.terminate(), 20); // the connection drops
      });
    },
    (ws) => {
      onAction(server, 1, 'rejoin', () => {
        send(ws, joined({ status: 'playing', positionSeq: 5, clients: 2 }));
        send(ws, framesMsg(1, [point(1, 1, ['15', '15']), point(2, 1, ['30', '15']), point(3, 2, ['30', '30']), point(4, 1, ['40', '30'])]));
        send(ws, { type: 'presence', streamId: STREAM, clients: 2, players: 0, spectators: 2 });
        send(ws, { type: 'chat', streamId: STREAM, from: 'bob', text: 'what a rally', at: 0 });
        send(ws, { type: 'state', streamId: STREAM, status: 'playing', speed: 4, epoch: 2, positionMs: 76_000, positionSeq: 5, by: 'bob' });
        send(ws, framesMsg(1, [point(5, 2, ['STALE', '0'])])); // an old epoch's frame: fenced out
        send(ws, framesMsg(2, [point(5, 1, ['0', '0'])]));
        send(ws, { type: 'frames', streamId: 'spectate:another-game', epoch: 2, frames: [point(6, 1, ['OTHER', '0'])] });
        send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
      });
    },
  );
  const out = sink();
  const result = await runWatch(
    base({ speed: 64, atMs: 0, token: async () => `tok${++tokenCalls}` }),
    { stdout: out.stream },
  );
  const text = out.text();
  expect(result.exitCode).toBe(0);
  expect(result.endedReason).toBe('finished');
  expect(result.reconnects).toBe(1);
  expect(result.frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(result.frames[5]!.data).toMatchObject({ points: ['0', '0'] });
  expect(server.received[0]![0]).toEqual({ action: 'start', gameId: '2012-wimbledon-1701', mode: 'spectate', speed: 64, atMs: 0 });
  expect(server.received[1]![0]).toEqual({ action: 'rejoin', streamId: STREAM, epoch: 1, lastSeq: 2 });
  expect(server.tokens).toEqual(['tok1', 'tok2']); // a fresh token per connection
  expect(text).toContain('▶ Wimbledon 2012 final: Roger Federer v Andy Murray');
  expect(text).toContain('tennis · spectate · spectator · 64× · 0:00:00 / 3:58:40 · 288 frames');
  expect(text).toMatch(/0:00:19 {2}set 1 {2}0-0 {2}15-15 +serve Federer +→ Federer · 171 km\/h/);
  expect(text).toContain('▶ playing at 64× from 0:00:00');
  expect(text).toContain('↻ reconnected');
  expect(text).toContain('💬 bob: what a rally');
  expect(text).toContain('speed 4× by bob');
  expect(text).toContain('👥 2 connected: 0 players, 2 spectators');
  expect(text.trimEnd().endsWith('■ ended: finished (the recording is over)')).toBe(true);
  expect(text).not.toContain('STALE');
  expect(text).not.toContain('OTHER');
  expect(text.match(/→ /g)).toHaveLength(6); // one line per point, duplicates not reprinted
});

test('a frame that arrives late is printed once, not dropped; its replay is', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing' }));
      send(ws, framesMsg(1, [point(0, 2, ['0', '15']), point(2, 1, ['30', '15'])]));
      send(ws, framesMsg(1, [point(1, 1, ['15', '15'])]));
      send(ws, framesMsg(1, [point(1, 1, ['15', '15']), point(2, 1, ['30', '15'])]));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(0);
  expect(result.frames.map((f) => f.seq)).toEqual([0, 2, 1]);
  expect(out.text().match(/→ /g)).toHaveLength(3);
});

test('a playout lead: frames sent ahead print at their dueAt, never before; a pause drops the ones it replaced; ended waits for the last', async () => {
  const T = Date.now();
  const due = [T - 10, T + 150, T + 300, T + 60_000]; // point 0 is late: at once; 3 is dropped by the pause
  const ahead = (seq: number, w: 1 | 2, pts: [string, string]): WireFrame => ({ ...point(seq, w, pts), dueAt: due[seq] });
  server.script((ws) => {
    // No pong: the clocks agree (one machine); an estimate from a pong could be off by a few ms.
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing', speed: 1, leadMs: 5000 }));
      send(ws, framesMsg(1, [ahead(0, 2, ['0', '15']), ahead(1, 1, ['15', '15']), ahead(2, 1, ['30', '15']), ahead(3, 2, ['DROPPED', '30'])]));
      send(ws, { type: 'state', streamId: STREAM, status: 'paused', speed: 1, epoch: 2, positionMs: 57_000, positionSeq: 3, by: 'system' });
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    });
  });
  const printedAt = new Map<number, number>();
  const out = sink();
  out.stream.on('data', (c: Buffer) => {
    for (const m of c.toString('utf8').matchAll(/· 17(\d) km\/h/g)) printedAt.set(Number(m[1]), Date.now());
  });
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(0);
  expect(result.frames.map((f) => f.seq)).toEqual([0, 1, 2]);
  expect([...printedAt.keys()]).toEqual([0, 1, 2]);
  for (const seq of [1, 2]) expect(printedAt.get(seq)!).toBeGreaterThanOrEqual(due[seq]!);
  expect(out.text()).not.toContain('DROPPED');
  expect(out.text().trimEnd().endsWith('■ ended: finished (the recording is over)')).toBe(true);
});

test('a scheduled stream: countdown lines on the server clock until it plays; then the frames', async () => {
  const SKEW = 3_600_000; // the server's clock is an hour ahead of ours: only pong.at makes the countdown right
  const startsAt = Date.now() + SKEW + 2_500;
  let sock: WebSocket | undefined;
  server.script((ws) => {
    sock = ws;
    onAction(server, 0, 'start', () => send(ws, joined({ streamId: 'scheduled:2012-wimbledon-1701:s1', status: 'scheduled', speed: 1, startsAt, clients: 2 })));
    onAction(server, 0, 'ping', () => send(ws, { type: 'pong', at: Date.now() + SKEW }));
  });
  const out = sink();
  const done = runWatch(base(), { stdout: out.stream });
  await until(() => out.text().includes('starting now'), 8_000);
  const ws = sock!;
  const S = 'scheduled:2012-wimbledon-1701:s1';
  send(ws, { type: 'state', streamId: S, status: 'playing', speed: 1, epoch: 2, positionMs: 0, positionSeq: 0, by: 'system' });
  send(ws, { type: 'frames', streamId: S, epoch: 2, frames: [point(0, 1, ['15', '0'])] });
  send(ws, { type: 'ended', streamId: S, reason: 'finished' });
  const result = await done;
  expect(result.exitCode).toBe(0);
  const lines = out.text().trimEnd().split('\n');
  expect(lines[1]).toMatch(/ · scheduled$/);
  const at = new Date(startsAt);
  const clock = [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  const countdown = lines.filter((l) => l.startsWith('scheduled — '));
  expect(countdown[0]).toMatch(new RegExp(`^scheduled — starts in 0:0[1-3] \\(at ${clock}\\)$`));
  expect(countdown[countdown.length - 1]).toBe(`scheduled — starting now (at ${clock})`);
  expect(countdown).toHaveLength(2); // one line per 10 s at most, plus the final one
  expect(lines.indexOf(countdown[1]!)).toBeLessThan(lines.indexOf('▶ playing at 1× from 0:00:00'));
  expect(result.frames.map((f) => f.seq)).toEqual([0]);
  expect(server.received[0]!.filter((m) => m.action === 'ping').length).toBeGreaterThanOrEqual(1);
});

test('a live game: LIVE in the status line, its length so far', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing', live: true, positionMs: 600_000, durationMs: 600_000, frameCount: 31 }));
      send(ws, framesMsg(1, [{ ...point(31, 1, ['15', '0']), t: 619_000 }]));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(0);
  expect(out.text()).toContain('  LIVE · tennis · spectate · spectator · 64× · 0:10:00 / 0:10:00 so far · 31 frames so far');
  expect(out.text()).toMatch(/0:10:19 {2}set 1/);
});

test('a refused start prints the server error and exits 1', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () =>
      send(ws, { type: 'error', code: 'not_found', message: 'no game "nope": send {"action":"list"} for the catalog', action: 'start' }),
    ),
  );
  const out = sink();
  const result = await runWatch(base({ gameId: 'nope' }), { stdout: out.stream });
  expect(result.exitCode).toBe(1);
  expect(out.text()).toBe('error not_found: no game "nope": send {"action":"list"} for the catalog\n');
});

test('a refused token: one line, exit 1, no retry', async () => {
  server.script();
  const out = sink();
  const result = await runWatch(base({ token: 'bad' }), { stdout: out.stream });
  expect(result.exitCode).toBe(1);
  expect(out.text()).toMatch(/^error: the server refused the token \(HTTP 401\)/);
  expect(server.tokens).toEqual(['bad']);
});

test('nothing listening: cannot connect, exit 1', async () => {
  const out = sink();
  const result = await runWatch(base({ wsUrl: 'ws://127.0.0.1:1/' }), { stdout: out.stream });
  expect(result.exitCode).toBe(1);
  expect(out.text()).toBe('error: cannot connect to ws://127.0.0.1:1/: connection refused\n');
});

test('a connection that keeps dropping gives up after the bounded attempts', async () => {
  const drop: (ws: WebSocket) => void = (ws) => ws.terminate();
  server.script((ws) => onAction(server, 0, 'start', () => {
    send(ws, joined());
    setTimeout(() => ws.terminate(), 10);
  }), drop, drop, drop, drop);
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(1);
  expect(out.text()).toContain('error: connection lost: gave up after 3 reconnection attempts');
  expect(server.received).toHaveLength(4);
});

test('pvai keys: space pauses, + speeds up, → seeks 30 s, q stops', async () => {
  const PVAI = 'pvai:2012-wimbledon-1701:alice';
  let epoch = 1;
  server.script((ws) => {
    const state = (over: Record<string, unknown>) =>
      ws.send(JSON.stringify({ type: 'state', streamId: PVAI, status: 'playing', speed: 1, epoch: ++epoch, positionMs: 600_000, positionSeq: 30, by: 'alice', ...over }));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { action: string; speed?: number; toMs?: number };
      if (m.action === 'start') {
        send(ws, joined({ streamId: PVAI, mode: 'pvai', role: 'player', status: 'playing', speed: 1, positionMs: 600_000, positionSeq: 30 }));
      } else if (m.action === 'pause') state({ status: 'paused' });
      else if (m.action === 'speed') state({ status: 'paused', speed: m.speed });
      else if (m.action === 'seek') state({ status: 'paused', speed: 2, positionMs: m.toMs });
      else if (m.action === 'stop') send(ws, { type: 'ended', streamId: PVAI, reason: 'stopped' });
    });
  });
  const stdin = new PassThrough();
  const out = sink();
  const running = runWatch(base({ mode: 'pvai', interactive: true }), { stdout: out.stream, stdin });
  const sent = () => server.received[0] ?? [];
  await until(() => out.text().includes('keys:'));
  stdin.write(' ');
  await until(() => out.text().includes('⏸ paused by alice'));
  stdin.write('+');
  await until(() => out.text().includes('speed 2× by alice'));
  stdin.write('\u001b[C');
  await until(() => out.text().includes('seek to 0:10:30 by alice'));
  stdin.write('q');
  const result = await running;
  expect(result.exitCode).toBe(0);
  expect(result.endedReason).toBe('stopped');
  expect(sent().map((m) => m.action)).toEqual(['start', 'pause', 'speed', 'seek', 'stop']);
  expect(sent()[2]).toEqual({ action: 'speed', speed: 2 });
  expect(sent()[3]).toEqual({ action: 'seek', toMs: 630_000 }); // paused: exactly 30 s on
  expect(out.text()).toContain('■ ended: stopped');
});

test('aborting sends stop and resolves 130', async () => {
  server.script((ws) => onAction(server, 0, 'start', () => send(ws, joined())));
  const abort = new AbortController();
  const out = sink();
  const running = runWatch(base({ signal: abort.signal, stopGraceMs: 50 }), { stdout: out.stream });
  await until(() => out.text().includes('▶ Wimbledon'));
  abort.abort();
  const result = await running;
  expect(result.exitCode).toBe(EXIT_INTERRUPTED);
  await until(() => server.received[0]?.some((m) => m.action === 'stop') === true);
});

test('terminal recordings go through an emulator: its screen as text, or redrawn in place; --raw writes the data; status lines go to stderr', async () => {
  const TERM = 'spectate:asciinema-welcome';
  const script = () =>
    server.script((ws) =>
      onAction(server, 0, 'start', () => {
        send(ws, joined({ streamId: TERM, gameId: 'asciinema-welcome', kind: 'terminal', title: 'asciinema welcome' }));
        ws.send(JSON.stringify({ type: 'frames', streamId: TERM, epoch: 1, frames: [
          { seq: 0, t: 0, type: 'o', data: '\u001b[1;32mwelcome\u001b[0m\r\n' },
          { seq: 1, t: 10, type: 'r', data: { cols: 100, rows: 30 } },
          { seq: 2, t: 20, type: 'o', data: '$ ' },
        ] }));
        send(ws, { type: 'ended', streamId: TERM, reason: 'finished' });
      }),
    );
  script();
  const out = sink();
  const err = sink();
  const result = await runWatch(base({ gameId: 'asciinema-welcome' }), { stdout: out.stream, stderr: err.stream });
  expect(result.exitCode).toBe(0);
  expect(out.text()).toBe('── final state ──\nwelcome\n$ \n');
  expect(err.text()).toContain('▶ asciinema welcome');
  expect(err.text()).toContain('■ ended: finished');

  script();
  const screen = sink();
  await runWatch(base({ gameId: 'asciinema-welcome', redraw: true }), { stdout: screen.stream, stderr: sink().stream });
  const redraws = screen.text().split('\u001b[0m\u001b[H\u001b[2J');
  expect(redraws.length).toBeGreaterThanOrEqual(3); // at join, after the frames, at the end
  expect(redraws[redraws.length - 1]).toMatch(/welcome.*\$ /s);
  expect(redraws[redraws.length - 1]).toContain('\u001b[');  // the emulator's own attributes

  script();
  const raw = sink();
  await runWatch(base({ gameId: 'asciinema-welcome', raw: true }), { stdout: raw.stream, stderr: sink().stream });
  expect(raw.text()).toBe('\u001b[1;32mwelcome\u001b[0m\r\n{"cols":100,"rows":30}\n$ ');
});

/** The tennis state after `frames` (the kind's reducer), as a snapshot at the next seq. */
const snapshotAfter = (frames: WireFrame[]) => {
  const header = { format: 'matchcast/1' as const, gameId: '2012-wimbledon-1701', kind: 'tennis', title: 'Wimbledon 2012 final', participants: ['Roger Federer', 'Andy Murray'], durationMs: 0, frameCount: 0, meta: { draw: "men's singles" } };
  const state = frames.reduce<TennisState>((st, f) => tennis.reduce(st, f) as TennisState, tennis.initialState(header));
  return { seq: frames.length === 0 ? 0 : frames[frames.length - 1]!.seq + 1, state: tennis.snapshot(state) };
};
const firstGame = [point(0, 2, ['0', '15']), point(1, 1, ['15', '15']), point(2, 1, ['30', '15']), point(3, 2, ['30', '30']), point(4, 1, ['40', '30'])];

test('a late joiner: joined.snapshot is drawn before the first frame; frames from its seq on are applied, earlier ones skipped', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, { ...joined({ status: 'playing', positionSeq: 5, positionMs: 95_000 }), snapshot: snapshotAfter(firstGame), markers: [], leadMs: 0 } as ServerMessage);
      send(ws, framesMsg(1, [point(4, 1, ['40', '30']), point(5, 1, ['0', '0'])]));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(0);
  const lines = out.text().split('\n');
  const at = lines.indexOf('── the game at 0:01:35 ──');
  expect(at).toBeGreaterThan(1);
  expect(lines[at + 1]).toMatch(/^ {2}Roger Federer +• +0 +40$/);
  expect(lines[at + 2]).toMatch(/^ {2}Andy Murray +0 +30$/);
  expect(lines[at + 3]).toBe('  sets 0-0 · 5 points played · best of 5');
  expect(out.text().match(/→ /g)).toHaveLength(1); // frame 4 is in the snapshot already
  expect(lines.find((l) => l.includes('→ '))).toMatch(/set 1 {2}0-0 {2}0-0 +serve Federer +→ Federer/);
  const end = lines.indexOf('── final state ──');
  expect(lines[end + 3]).toBe('  sets 0-0 · 6 points played · best of 5');
});

test('without a snapshot a late joiner is told the game counts only the frames from its position on', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing', positionSeq: 5 }));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  await runWatch(base(), { stdout: out.stream });
  expect(out.text()).toContain('note: the server sent no snapshot: the game below counts only the frames from 5 on');
});

test('a seek\'s state.snapshot redraws the game; the frames after it are applied to it', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing' }));
      send(ws, framesMsg(1, firstGame));
      send(ws, { type: 'state', streamId: STREAM, status: 'playing', speed: 64, epoch: 2, positionMs: 19_000, positionSeq: 1, by: 'alice', snapshot: snapshotAfter(firstGame.slice(0, 1)) } as ServerMessage);
      send(ws, framesMsg(2, firstGame.slice(1, 3)));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  await runWatch(base(), { stdout: out.stream });
  const lines = out.text().split('\n');
  const seek = lines.indexOf('seek to 0:00:19 by alice');
  expect(seek).toBeGreaterThan(0);
  expect(lines[seek + 1]).toBe('── the game at 0:00:19 ──');
  expect(lines[seek + 2]).toMatch(/^ {2}Roger Federer +• +0 +0$/);
  expect(lines[seek + 3]).toMatch(/^ {2}Andy Murray +0 +15$/);
  const end = lines.indexOf('── final state ──');
  expect(lines[end + 1]).toMatch(/Roger Federer +• +0 +30$/);
  expect(lines[end + 3]).toBe('  sets 0-0 · 3 points played · best of 5');
});

test('a seek whose frames arrive before its state: the snapshot still applies, then those frames', async () => {
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ status: 'playing' }));
      send(ws, framesMsg(1, firstGame));
      send(ws, framesMsg(2, firstGame.slice(1, 3)));
      send(ws, { type: 'state', streamId: STREAM, status: 'playing', speed: 64, epoch: 2, positionMs: 19_000, positionSeq: 1, by: 'alice', snapshot: snapshotAfter(firstGame.slice(0, 1)) } as ServerMessage);
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  await runWatch(base(), { stdout: out.stream });
  const lines = out.text().split('\n');
  const end = lines.indexOf('── final state ──');
  expect(lines[end + 1]).toMatch(/Roger Federer +• +0 +30$/);
  expect(lines[end + 3]).toBe('  sets 0-0 · 3 points played · best of 5');
});

test('a rejoin into a newer epoch says the stream moved, and who moved it; its snapshot is drawn and no frame after it is lost', async () => {
  server.script(
    (ws) =>
      onAction(server, 0, 'start', () => {
        send(ws, joined({ status: 'playing' }));
        send(ws, framesMsg(1, firstGame.slice(0, 2)));
        setTimeout(() => ws.terminate(), 20);
      }),
    (ws) =>
      onAction(server, 1, 'rejoin', () => {
        send(ws, { ...joined({ status: 'playing', epoch: 3, positionSeq: 4, positionMs: 76_000 }), snapshot: snapshotAfter(firstGame.slice(0, 4)), movedBy: 'alice' } as ServerMessage);
        send(ws, framesMsg(3, firstGame.slice(4)));
        send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
      }),
  );
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.reconnects).toBe(1);
  const lines = out.text().split('\n');
  const moved = lines.indexOf(`↻ reconnected (${STREAM}): the stream moved to 0:01:16 while the connection was down (by alice)`);
  expect(moved).toBeGreaterThan(0);
  expect(lines[moved + 1]).toBe('── the game at 0:01:16 ──');
  expect(lines[moved + 2]).toMatch(/Roger Federer +• +0 +30$/);
  expect(result.frames.map((f) => f.seq)).toEqual([0, 1, 4]);
  const end = lines.indexOf('── final state ──');
  expect(lines[end + 1]).toMatch(/Roger Federer +• +0 +40$/);
  expect(lines[end + 3]).toBe('  sets 0-0 · 5 points played · best of 5');
});

test('a hostile snapshot: names and marker kinds from the server print without their control sequences', async () => {
  const snap = snapshotAfter(firstGame);
  const state = { ...(snap.state as Record<string, unknown>), players: ['\u001b]0;pwned\u0007Roger\u001b[2J Federer', 'Andy\r\nMurray'] };
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, { ...joined({ status: 'playing', positionSeq: 5 }), snapshot: { seq: 5, state }, markers: [{ t: 1, seq: 1, label: 'x', kind: '\u001b[31mgame' }] } as ServerMessage);
      send(ws, framesMsg(1, [point(5, 1, ['0', '0'])]));
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  await runWatch(base(), { stdout: out.stream });
  // eslint-disable-next-line no-control-regex
  expect(out.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(out.text()).not.toContain('pwned');
  expect(out.text()).toMatch(/Roger Federer +• +0 +40/);
  expect(out.text()).toContain('◆ 1 moment: 1 game');
});

test('markers: joined.markers and a markers message are counted in the header; n seeks to the next one', async () => {
  const PVAI = 'pvai:2012-wimbledon-1701:alice';
  const marker = (seq: number, kind: string) => ({ t: seq * 19_000, seq, label: `${kind} ${seq}`, kind });
  server.script((ws) => {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { action: string; toMs?: number };
      if (m.action === 'start') {
        send(ws, { ...joined({ streamId: PVAI, mode: 'pvai', role: 'player', status: 'paused', positionMs: 0 }), snapshot: snapshotAfter([]), markers: [marker(4, 'game'), marker(9, 'break')], leadMs: 0 } as ServerMessage);
        ws.send(JSON.stringify({ type: 'markers', streamId: PVAI, markers: [marker(15, 'game'), { seq: 'bad' }] }));
      } else if (m.action === 'seek') {
        send(ws, { type: 'state', streamId: PVAI, status: 'paused', speed: 64, epoch: 2, positionMs: m.toMs!, positionSeq: 4, by: 'alice', snapshot: snapshotAfter(firstGame.slice(0, 4)) } as ServerMessage);
      } else if (m.action === 'stop') send(ws, { type: 'ended', streamId: PVAI, reason: 'stopped' });
    });
  });
  const stdin = new PassThrough();
  const out = sink();
  const running = runWatch(base({ mode: 'pvai', interactive: true }), { stdout: out.stream, stdin });
  await until(() => out.text().includes('keys:'));
  expect(out.text()).toContain('  ◆ 2 moments: 1 game · 1 break');
  stdin.write('n');
  await until(() => out.text().includes('seek to 0:01:16 by alice'));
  stdin.write('q');
  await running;
  expect(server.received[0]!.find((m) => m.action === 'seek')).toEqual({ action: 'seek', toMs: 76_000 });
  expect(out.text()).toMatch(/── the game at 0:01:16 ──\n {2}Roger Federer +• +0 +30\n/);
});

describe('CLI', () => {
  test('arguments', () => {
    expect(parseWatchArgs(['g1', '--speed', '64', '--at', '1:02:03', '--mode', 'pvai'])).toEqual({ gameId: 'g1', mode: 'pvai', raw: false, speed: 64, atMs: 3_723_000 });
    expect(parseWatchArgs(['--help'])).toBeUndefined();
    expect(() => parseWatchArgs([])).toThrow('GAME_ID is required');
    expect(() => parseWatchArgs(['g', '--mode', 'solo'])).toThrow('--mode solo: expected one of spectate, pvai, pvp');
    expect(() => parseWatchArgs(['g', '--mode', 'pvp'])).toThrow(/needs --room/);
    expect(() => parseWatchArgs(['g', '--room', 'r1'])).toThrow('--room is only for --mode pvp');
    expect(() => parseWatchArgs(['g', '--token', 't'])).toThrow(/--token is for --stack/);
    expect(() => parseWatchArgs(['g', '--speed', '100'])).toThrow('--speed 100: must be between 0.25 and 64');
  });

  test('watchMain on local mode: the runtime file, a /dev/token token, exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'matchcast-watch-'));
    try {
      const runtimeFile = join(dir, 'runtime.json');
      writeFileSync(
        runtimeFile,
        JSON.stringify({ pid: process.pid, httpUrl: `http://127.0.0.1:${server.port}`, wsUrl: server.wsUrl, dynamodbEndpoint: 'http://127.0.0.1:1', region: 'us-east-1', tables: {} }),
      );
      server.script((ws) => onAction(server, 0, 'start', () => send(ws, { type: 'ended', streamId: STREAM, reason: 'idle' })));
      const out = sink();
      const code = await watchMain(['2012-wimbledon-1701', '--user', 'carol', '--mode', 'pvp', '--room', 'r1'], { stdout: out.stream }, { runtimeFile });
      expect(code).toBe(0);
      expect(server.tokens).toEqual(['dev-carol']);
      expect(server.received[0]![0]).toEqual({ action: 'start', gameId: '2012-wimbledon-1701', mode: 'pvp', room: 'r1' });
      expect(out.text()).toContain('■ ended: idle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('a hostile title, names, chat and errors print without their control sequences; a terminal recording shows only its emulated screen', async () => {
  const hostile = (s: string) => `\u001b]0;pwned\u0007\u001b[2J\u001b[H\u001b[31m${s}\u001b[0m\r`;
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/; // anything but the line feeds that end lines
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ title: hostile('Evil final'), status: 'playing' }));
      send(ws, { type: 'chat', streamId: STREAM, from: hostile('mallory'), text: hostile('hi'), at: 0 });
      send(ws, { type: 'state', streamId: STREAM, status: 'paused', speed: 64, epoch: 1, positionMs: 0, positionSeq: 0, by: hostile('mallory') });
      send(ws, { type: 'error', code: 'bad_request', message: hostile('nope'), action: 'pause' });
      send(ws, { type: 'ended', streamId: STREAM, reason: 'finished' });
    }),
  );
  const out = sink();
  const result = await runWatch(base(), { stdout: out.stream });
  expect(result.exitCode).toBe(0);
  const text = out.text();
  expect(text).not.toMatch(CONTROL);
  expect(text).not.toContain('pwned');
  expect(text).toContain('▶ Evil final');
  expect(text).toContain('💬 mallory : hi');
  expect(text).toContain('error bad_request: nope');

  const term = 'spectate:asciinema-welcome';
  server.script((ws) =>
    onAction(server, 0, 'start', () => {
      send(ws, joined({ streamId: term, gameId: 'asciinema-welcome', kind: 'terminal', title: hostile('Shell'), status: 'playing' }));
      send(ws, { type: 'frames', streamId: term, epoch: 1, frames: [{ seq: 0, t: 0, type: 'o', data: `${hostile('')}\u001b[1;32m$ \u001b[0mls\r\n` }] });
      send(ws, { type: 'ended', streamId: term, reason: 'finished' });
    }),
  );
  const screen = sink();
  const status = sink();
  await runWatch(base({ gameId: 'asciinema-welcome' }), { stdout: screen.stream, stderr: status.stream });
  expect(screen.text()).toBe('── final state ──\n$ ls\n'); // the emulator's screen, as text
  expect(status.text()).not.toMatch(CONTROL);
  expect(status.text()).toContain('▶ Shell');
});
