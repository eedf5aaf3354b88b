import { streamIdFor } from '../../lambda/core/stream-keys';
import {
  CLIENT_ACTIONS,
  framesMessages,
  MAX_INBOUND_BYTES,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  utf8Bytes,
  type WireFrame,
} from '../../protocol/messages';
import { ROUTE_TARGETS } from '../../lambda/core/routes';

const ok = (raw: unknown) => parseClientMessage(typeof raw === 'string' ? raw : JSON.stringify(raw));

describe('parseClientMessage', () => {
  it('accepts every action of PROTOCOL.md in its documented shape', () => {
    const valid = [
      { action: 'start', gameId: '2012-wimbledon-1701', mode: 'spectate', speed: 64, atMs: 1000 },
      { action: 'start', gameId: 'g', mode: 'pvp', room: 'r1' },
      { action: 'join', streamId: 'spectate:g' },
      { action: 'rejoin', streamId: 'pvai:g:alice', lastSeq: 12, epoch: 3 },
      { action: 'pause' },
      { action: 'resume' },
      { action: 'speed', speed: 0.25 },
      { action: 'seek', toMs: 0 },
      { action: 'scrub', toMs: 30_000 },
      { action: 'stop' },
      { action: 'input', data: { move: 'up' } },
      { action: 'chat', text: 'what a rally' },
      { action: 'react', emoji: '🔥' },
      { action: 'list' },
      { action: 'ping' },
    ];
    for (const m of valid) expect(ok(m)).toMatchObject({ ok: true, message: { action: m.action } });
    expect(new Set(valid.map((m) => m.action))).toEqual(new Set(CLIENT_ACTIONS));
  });

  it('accepts the stream id of a pvai stream whose user id holds "@" (tokens allow it)', () => {
    const streamId = streamIdFor('pvai', 'g', { userId: 'alice@example.com' });
    expect(ok({ action: 'join', streamId })).toMatchObject({ ok: true, message: { streamId } });
    expect(ok({ action: 'rejoin', streamId, epoch: 1, lastSeq: 0 })).toMatchObject({ ok: true });
  });

  it('accepts input nested up to 8 deep', () => {
    expect(ok({ action: 'input', data: [[[[[[[{ up: true }]]]]]]] })).toMatchObject({ ok: true });
  });

  it('fills the documented defaults (speed stays absent: the server plays a new stream at 1)', () => {
    expect(ok({ action: 'start', gameId: 'g' })).toEqual({ ok: true, message: { action: 'start', gameId: 'g', mode: 'spectate' } });
  });

  it.each([
    ['not JSON', '{nope', 'bad_request'],
    ['empty', '', 'bad_request'],
    ['an array', '[1]', 'bad_request'],
    ['no action', '{"gameId":"g"}', 'bad_request'],
    ['an unknown action', '{"action":"dance"}', 'unknown_action'],
    ['a prototype key as action', '{"action":"__proto__"}', 'unknown_action'],
    ['speed out of range', '{"action":"speed","speed":65}', 'bad_request'],
    ['speed as a string', '{"action":"speed","speed":"2"}', 'bad_request'],
    ['a fractional toMs', '{"action":"seek","toMs":1.5}', 'bad_request'],
    ['an unknown field', '{"action":"pause","extra":1}', 'bad_request'],
    ['a game id with a slash', '{"action":"start","gameId":"../x"}', 'bad_request'],
    ['a blank chat', '{"action":"chat","text":"   "}', 'bad_request'],
    ['a long chat', JSON.stringify({ action: 'chat', text: 'x'.repeat(501) }), 'bad_request'],
    ['an emoji outside the set', '{"action":"react","emoji":"💩"}', 'bad_request'],
    ['input over 4 KB', JSON.stringify({ action: 'input', data: 'x'.repeat(5000) }), 'bad_request'],
    ['input nested 9 deep', JSON.stringify({ action: 'input', data: [[[[[[[[[1]]]]]]]]] }), 'bad_request'],
    ['input nested 200 deep in 1 KB', `{"action":"input","data":${'['.repeat(200)}${']'.repeat(200)}}`, 'bad_request'],
    ['a message over the inbound limit', JSON.stringify({ action: 'chat', text: 'x'.repeat(MAX_INBOUND_BYTES) }), 'too_large'],
  ])('refuses %s with %s', (_name, raw, code) => {
    const r = parseClientMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(5);
    }
  });

  it('names the action it refused', () => {
    expect(ok({ action: 'speed', speed: 0 })).toMatchObject({ ok: false, error: { action: 'speed' } });
  });
});

describe('framesMessages', () => {
  const big = (seq: number): WireFrame => ({ seq, t: seq, type: 'o', data: 'x'.repeat(30_000) });

  it('keeps every message under the 128 KB API Gateway limit, in seq order', () => {
    const frames = Array.from({ length: 20 }, (_, i) => big(i));
    const msgs = framesMessages('s', 1, frames);
    expect(msgs.length).toBeGreaterThan(4);
    for (const m of msgs) expect(utf8Bytes(JSON.stringify(m))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(msgs.flatMap((m) => m.frames.map((f) => f.seq))).toEqual(frames.map((f) => f.seq));
  });

  it('throws on a frame that cannot fit any message', () => {
    expect(() => framesMessages('s', 1, [{ seq: 0, t: 0, type: 'o', data: 'x'.repeat(MAX_MESSAGE_BYTES) }])).toThrow(/seq 0/);
  });
});

describe('routes', () => {
  it('route every action to a handler', () => {
    expect(Object.keys(ROUTE_TARGETS).sort()).toEqual([...CLIENT_ACTIONS].sort());
  });
});
