/** The sentences a viewer reads for `error` replies: plain words, what to do next, never protocol internals. */
import { ERROR_CODES, parseClientMessage } from '../../protocol/messages';
import { errorText, retryAfterMs } from '../../web/src/core/errors';

/** What a viewer must never read: JSON, field paths, zod's wording, comparison operators, ids in quotes. */
const INTERNALS = /[{}<>=]|"action"|Too big|Too small|expected|Invalid|atMs|toMs|streamId|gameId|\bms\b|request [0-9a-f-]{8,}/;

/** The error a real server sends for a client message that fails validation (the same parser). */
function refusal(msg: Record<string, unknown>): { code: string; message: string; action?: string } {
  const r = parseClientMessage(JSON.stringify(msg));
  if (r.ok) throw new Error(`expected ${JSON.stringify(msg)} to be refused`);
  return { code: r.error.code, message: r.error.message, ...(r.error.action !== undefined ? { action: r.error.action } : {}) };
}

describe('errorText', () => {
  it('has its own plain sentence for every protocol error code', () => {
    const texts = ERROR_CODES.map((code) => errorText({ code }));
    for (const t of texts) {
      expect(t).toMatch(/^[A-Z].{10,}[.]$/);
      expect(t).not.toMatch(INTERNALS);
    }
    expect(new Set(texts).size).toBe(ERROR_CODES.length);
  });

  it('never shows what the server wrote for developers', () => {
    const server = [
      { code: 'not_found', message: 'no game "x": send {"action":"list"} for the catalog', action: 'start' },
      { code: 'internal', message: 'something went wrong on our side (request 0f3c9a7e-1111-2222)', action: 'pause' },
      { code: 'conflict', message: 'stream "spectate:g" is full (100 viewers)', action: 'join' },
      { code: 'bad_request', message: 'seek: toMs 99999999 is past the end (14320000 ms)', action: 'seek' },
      { code: 'bad_request', message: 'not attached to a stream: send start or join first', action: 'pause' },
      { code: 'rate_limited', message: 'chat: rate limited (5 at once, then 1 per second); retry in 734 ms', action: 'chat' },
      { code: 'brand_new', message: 'why: {"x":1}' },
      refusal({ action: 'start', gameId: 'g', atMs: 10 ** 12 }),
      refusal({ action: 'start', gameId: 'g', speed: 1000 }),
      refusal({ action: 'start', gameId: 'bad id' }),
      refusal({ action: 'speed', speed: 0 }),
      refusal({ action: 'seek', toMs: -1 }),
      refusal({ action: 'chat', text: '' }),
      refusal({ action: 'react', emoji: 'not-an-emoji' }),
      refusal({ action: 'join', streamId: '' }),
      refusal({ action: 'frobnicate' }),
    ];
    for (const e of server) {
      const text = errorText(e);
      expect(text).not.toMatch(INTERNALS);
      expect(text).not.toContain(e.message);
      expect(text).toMatch(/^[A-Z]/);
    }
  });

  it('says what happened and what to do', () => {
    expect(errorText(refusal({ action: 'start', gameId: 'g', atMs: 10 ** 12 }))).toBe('That start position is not in this recording — open the game from the start instead.');
    expect(errorText(refusal({ action: 'speed', speed: 1000 }))).toMatch(/between 0\.25× and 64×/);
    expect(errorText({ code: 'not_found', message: 'no game "x": send {"action":"list"} for the catalog', action: 'start' })).toMatch(/not in the catalog .* pick one from the list/);
    expect(errorText({ code: 'conflict', message: 'stream "s" is full (100 viewers)', action: 'join' })).toMatch(/full/);
    expect(errorText({ code: 'rate_limited', message: 'chat: rate limited (5 at once, then 1 per second); retry in 1734 ms', action: 'chat' })).toBe(
      'You are sending messages too quickly — wait 2 seconds and send it again.',
    );
    expect(errorText({ code: 'forbidden', message: 'pause: only the players of this stream control it', action: 'pause' })).toBe('Only the players of this stream can control playback.');
    expect(errorText({ code: 'brand_new', message: 'why' })).toBe('Something went wrong — please try again, or reload the page.');
  });

  it('reads the wait out of a rate-limited message', () => {
    expect(retryAfterMs('chat: rate limited (5 at once, then 1 per second); retry in 734 ms')).toBe(734);
    expect(retryAfterMs('slow down')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
