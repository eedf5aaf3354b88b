import fc from 'fast-check';
import { joinedMessage, START_LEAD_MS } from '../../../lambda/core/control';
import type { StreamRow } from '../../../contract/rows';
import { parseClientMessage } from '../../../protocol/messages';
import { isDueToStart, newScheduledStreamRow, SCHEDULE_START_LEAD_MS, scheduledStart, scheduledStreamId, streamListing } from '../../../lambda/core/schedule';
import {
  MAX_SCHEDULE_AHEAD_MS,
  MIN_SCHEDULE_LEAD_MS,
  parseIsoInstant,
  parseScheduleRequest,
  type ScheduleRequest,
} from '../../../lambda/core/schedule-request';
import { gameRow } from '../../support/fixtures-games';

const NOW = Date.parse('2026-11-23T19:00:00Z');
const game = gameRow('2012-wimbledon-1701', {
  title: 'Wimbledon 2012 final',
  durationMs: 14_320_000,
  frameCount: 288,
  participants: ['Roger Federer', 'Andy Murray'],
});

/** The message of a refused body, or throws when it was accepted. */
function refusal(body: unknown, now = NOW): string {
  const r = parseScheduleRequest(body, now);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(body)}`);
  expect(r.error.code).toBe('bad_request');
  return r.error.message;
}

function accepted(body: unknown, now = NOW): ScheduleRequest {
  const r = parseScheduleRequest(body, now);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(body)}: ${r.error.message}`);
  return r.request;
}

describe('parseIsoInstant', () => {
  it('reads RFC 3339 date-times with a zone: Z, ±HH:MM, fractions', () => {
    expect(parseIsoInstant('2026-11-23T20:00:00Z')).toBe(Date.parse('2026-11-23T20:00:00Z'));
    expect(parseIsoInstant('2026-11-23T21:00:00+01:00')).toBe(Date.parse('2026-11-23T20:00:00Z'));
    expect(parseIsoInstant('2026-11-23T15:30:00-04:30')).toBe(Date.parse('2026-11-23T20:00:00Z'));
    expect(parseIsoInstant('2026-11-23T20:00:00.123456Z')).toBe(Date.parse('2026-11-23T20:00:00.123Z'));
    expect(parseIsoInstant('2028-02-29T00:00:00Z')).toBe(Date.parse('2028-02-29T00:00:00Z'));
  });

  it('refuses local times (no zone), impossible dates and other strings', () => {
    for (const s of [
      '2026-11-23T20:00:00',
      '2026-11-23',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-23T24:00:00Z',
      '2026-11-23T20:60:00Z',
      '2026-11-23T20:00:60Z',
      '2026-11-23T20:00:00+24:00',
      'tomorrow at eight',
      '',
      ' 2026-11-23T20:00:00Z',
    ]) {
      expect(parseIsoInstant(s)).toBeUndefined();
    }
  });

  it('agrees with Date.parse on every valid UTC instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(parseIsoInstant(d.toISOString())).toBe(d.getTime());
      }),
    );
  });
});

describe('parseScheduleRequest', () => {
  it('accepts an ISO startAt or epoch ms, defaults speed to 1 and keeps a trimmed title', () => {
    expect(accepted({ gameId: game.gameId, startAt: '2026-11-23T20:00:00Z' })).toEqual({
      gameId: game.gameId,
      startsAt: Date.parse('2026-11-23T20:00:00Z'),
      speed: 1,
    });
    expect(accepted({ gameId: 'g', startAt: NOW + 60_000, speed: 0.25, title: '  Final, replayed  ' })).toEqual({
      gameId: 'g',
      startsAt: NOW + 60_000,
      speed: 0.25,
      title: 'Final, replayed',
    });
    expect(accepted({ gameId: 'g', startAt: NOW + 60_000, speed: 64, title: '🎾'.repeat(200) }).speed).toBe(64);
  });

  it('takes startAt from now + 5 s to now + 30 days, both inclusive', () => {
    expect(accepted({ gameId: 'g', startAt: NOW + MIN_SCHEDULE_LEAD_MS }).startsAt).toBe(NOW + MIN_SCHEDULE_LEAD_MS);
    expect(accepted({ gameId: 'g', startAt: NOW + MAX_SCHEDULE_AHEAD_MS }).startsAt).toBe(NOW + MAX_SCHEDULE_AHEAD_MS);
    expect(refusal({ gameId: 'g', startAt: NOW + MIN_SCHEDULE_LEAD_MS - 1 })).toMatch(/^startAt: .*too soon: it must be at least 5 s from now/);
    expect(refusal({ gameId: 'g', startAt: NOW - 3_600_000 })).toMatch(/^startAt: .*too soon/);
    expect(refusal({ gameId: 'g', startAt: NOW + MAX_SCHEDULE_AHEAD_MS + 1 })).toMatch(/^startAt: .*too far ahead: it must be at most 30 days from now/);
    expect(refusal({ gameId: 'g', startAt: '2027-01-01T00:00:00Z' })).toMatch(/^startAt: 2027-01-01T00:00:00.000Z is too far ahead/);
  });

  it('hints when startAt looks like epoch seconds', () => {
    expect(refusal({ gameId: 'g', startAt: Math.floor((NOW + 60_000) / 1000) })).toMatch(/epoch milliseconds, not seconds/);
  });

  it('refuses bad bodies with a message naming the field', () => {
    const at = NOW + 60_000;
    const cases: Array<[unknown, RegExp]> = [
      [null, /^body: must be a JSON object/],
      ['{"gameId":"g"}', /^body: must be a JSON object/],
      [[], /^body: must be a JSON object/],
      [{ startAt: at }, /^gameId: is required/],
      [{ gameId: 7, startAt: at }, /^gameId: must be a string/],
      [{ gameId: '../etc', startAt: at }, /^gameId: letters, digits/],
      [{ gameId: 'g'.repeat(129), startAt: at }, /^gameId: must be at most 128/],
      [{ gameId: 'g' }, /^startAt: is required/],
      [{ gameId: 'g', startAt: true }, /^startAt: must be an ISO-8601 date-time with a zone/],
      [{ gameId: 'g', startAt: '2026-11-23T20:00:00' }, /^startAt: "2026-11-23T20:00:00" is not an ISO-8601 date-time with a zone/],
      [{ gameId: 'g', startAt: at + 0.5 }, /^startAt: .* is not an integer of epoch milliseconds/],
      [{ gameId: 'g', startAt: at, speed: 0.2 }, /^speed: must be a number from 0.25 to 64/],
      [{ gameId: 'g', startAt: at, speed: 65 }, /^speed: must be a number from 0.25 to 64/],
      [{ gameId: 'g', startAt: at, speed: '2' }, /^speed: must be a number from 0.25 to 64/],
      [{ gameId: 'g', startAt: at, title: '   ' }, /^title: must be a string of 1–200 characters/],
      [{ gameId: 'g', startAt: at, title: 'x'.repeat(201) }, /^title: must be at most 200 characters/],
      [{ gameId: 'g', startAt: at, title: ['x'] }, /^title: must be a string/],
      [{ gameId: 'g', startAt: at, startsAt: at }, /^unknown field "startsAt": the body takes gameId, startAt, speed, title/],
    ];
    for (const [body, message] of cases) expect(refusal(body)).toMatch(message);
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
        for (const body of [json, anything, { gameId: 'g', startAt: json }, { gameId: 'g', startAt: NOW + 60_000, speed: json, title: json }]) {
          const r = parseScheduleRequest(body, NOW);
          if (!r.ok) expect(r.error.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('scheduled stream id and row', () => {
  it('builds scheduled:{gameId}:{id}, a stream id the join action accepts', () => {
    const id = scheduledStreamId(game.gameId, 'Ab-_9xYz012');
    expect(id).toBe('scheduled:2012-wimbledon-1701:Ab-_9xYz012');
    expect(parseClientMessage(JSON.stringify({ action: 'join', streamId: id }))).toMatchObject({ ok: true });
    expect(() => scheduledStreamId('g', 'a:b')).toThrow(/A-Za-z0-9_-/);
    expect(() => scheduledStreamId('g', '')).toThrow();
  });

  it('makes a scheduled spectate row anchored at startsAt, with every field a new stream has', () => {
    const startsAt = NOW + 3_600_000;
    const row = newScheduledStreamRow({
      streamId: 'scheduled:g:x',
      game,
      request: { gameId: game.gameId, startsAt, speed: 2 },
      now: NOW,
    });
    expect(row).toEqual<StreamRow>({
      streamId: 'scheduled:g:x',
      gameId: game.gameId,
      mode: 'spectate',
      status: 'scheduled',
      speed: 2,
      epoch: 1,
      positionSeq: 0,
      positionMs: 0,
      anchorAt: startsAt,
      epochStartSeq: 0,
      generation: 0,
      controllers: [],
      clientCount: 0,
      idleSince: NOW,
      framesSent: 0,
      kind: 'tennis',
      title: game.title,
      recordingKey: game.recordingKey,
      indexKey: game.indexKey,
      durationMs: game.durationMs,
      frameCount: game.frameCount,
      createdAt: NOW,
      updatedAt: NOW,
      startsAt,
    });
    expect(newScheduledStreamRow({ streamId: 's', game, request: { gameId: game.gameId, startsAt, speed: 1, title: 'Rewatch' }, now: NOW }).title).toBe('Rewatch');
  });

  it('joined carries startsAt while the stream has not started, and not after', () => {
    const startsAt = NOW + 60_000;
    const row = newScheduledStreamRow({ streamId: 'scheduled:g:x', game, request: { gameId: game.gameId, startsAt, speed: 1 }, now: NOW });
    expect(joinedMessage(row, 'spectator', NOW)).toMatchObject({ status: 'scheduled', role: 'spectator', startsAt, positionMs: 0, positionSeq: 0 });
    expect(joinedMessage({ ...row, status: 'awaiting_start' }, 'spectator', NOW)).toMatchObject({ status: 'awaiting_start', startsAt });
    expect(joinedMessage({ ...row, status: 'playing' }, 'spectator', startsAt + 1000)).not.toHaveProperty('startsAt');
  });
});

describe('starting on time', () => {
  it('is due once startsAt is within the sweep lead (90 s)', () => {
    expect(SCHEDULE_START_LEAD_MS).toBe(90_000);
    expect(isDueToStart({ startsAt: NOW + 90_001 }, NOW)).toBe(false);
    expect(isDueToStart({ startsAt: NOW + 90_000 }, NOW)).toBe(true);
    expect(isDueToStart({ startsAt: NOW - 600_000 }, NOW)).toBe(true);
    expect(isDueToStart({}, NOW)).toBe(true);
  });

  it('keeps startsAt when it is still ahead, else shifts the whole stream to now + START_LEAD_MS', () => {
    expect(scheduledStart(NOW + 60_000, NOW)).toEqual({ startsAt: NOW + 60_000, lateMs: 0 });
    expect(scheduledStart(NOW + START_LEAD_MS, NOW)).toEqual({ startsAt: NOW + START_LEAD_MS, lateMs: 0 });
    expect(scheduledStart(NOW, NOW)).toEqual({ startsAt: NOW + START_LEAD_MS, lateMs: START_LEAD_MS });
    // The sweeper was down for 10 minutes: started at once, 10 min 1 s late.
    expect(scheduledStart(NOW - 600_000, NOW)).toEqual({ startsAt: NOW + START_LEAD_MS, lateMs: 600_000 + START_LEAD_MS });
  });

  it('never puts the first frame before now + START_LEAD_MS nor before the planned startsAt', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (offset) => {
        const s = scheduledStart(NOW + offset, NOW);
        expect(s.startsAt).toBeGreaterThanOrEqual(Math.max(NOW + START_LEAD_MS, NOW + offset));
        expect(s.lateMs).toBe(s.startsAt - (NOW + offset));
      }),
    );
  });
});

describe('streamListing', () => {
  const row = (streamId: string, over: Partial<StreamRow>): StreamRow =>
    ({ streamId, gameId: 'g', title: `T ${streamId}`, mode: 'spectate', status: 'playing', clientCount: 0, speed: 1, ...over }) as StreamRow;

  it('lists streams not started first by startsAt, then the rest by viewers, with the documented fields', () => {
    const rows = [
      row('spectate:a', { clientCount: 2, speed: 16 }),
      row('scheduled:g:late', { status: 'scheduled', startsAt: NOW + 3_600_000, clientCount: 9 }),
      row('pvai:b:u', { mode: 'pvai', status: 'paused', clientCount: 5 }),
      row('scheduled:g:soon', { status: 'awaiting_start', startsAt: NOW + 30_000 }),
      row('spectate:z', { clientCount: 2 }),
      row('spectate:gone', { status: 'ended', clientCount: 100 }),
      row('scheduled:g:done', { status: 'playing', startsAt: NOW - 60_000, clientCount: -1 }),
    ];
    expect(streamListing(rows)).toEqual([
      { streamId: 'scheduled:g:soon', gameId: 'g', title: 'T scheduled:g:soon', mode: 'spectate', status: 'awaiting_start', clients: 0, speed: 1, startsAt: NOW + 30_000 },
      { streamId: 'scheduled:g:late', gameId: 'g', title: 'T scheduled:g:late', mode: 'spectate', status: 'scheduled', clients: 9, speed: 1, startsAt: NOW + 3_600_000 },
      { streamId: 'pvai:b:u', gameId: 'g', title: 'T pvai:b:u', mode: 'pvai', status: 'paused', clients: 5, speed: 1 },
      { streamId: 'spectate:a', gameId: 'g', title: 'T spectate:a', mode: 'spectate', status: 'playing', clients: 2, speed: 16 },
      { streamId: 'spectate:z', gameId: 'g', title: 'T spectate:z', mode: 'spectate', status: 'playing', clients: 2, speed: 1 },
      // Started: no startsAt any more; a negative count (a double decrement) shows as 0.
      { streamId: 'scheduled:g:done', gameId: 'g', title: 'T scheduled:g:done', mode: 'spectate', status: 'playing', clients: 0, speed: 1 },
    ]);
    expect(rows[0]!.streamId).toBe('spectate:a'); // the input is not reordered
  });

  it('gives the same order whatever order the rows were read in', () => {
    const rows = [
      row('a', { clientCount: 1 }),
      row('b', { clientCount: 1 }),
      row('c', { status: 'scheduled', startsAt: NOW + 5 }),
      row('d', { status: 'scheduled', startsAt: NOW + 5 }),
      row('e', { clientCount: 3 }),
    ];
    const expected = streamListing(rows).map((s) => s.streamId);
    expect(expected).toEqual(['c', 'd', 'e', 'a', 'b']);
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length }), (shuffled) => {
        expect(streamListing(shuffled).map((s) => s.streamId)).toEqual(expected);
      }),
    );
  });
});
