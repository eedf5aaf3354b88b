/**
 * Watch-view formatting. Tennis frames are modelled on real rows of match 2012-wimbledon-1701
 * (Federer v Murray) from Jeff Sackmann's slam point-by-point data (Tennis Abstract,
 * CC BY-NC-SA 4.0), in the converter's field names and in the CSV's own names.
 */
import { readFileSync } from 'node:fs';
import type { JoinedMessage, StateMessage, WireFrame } from '../../../protocol/messages';
import { convertCricsheet } from '../../../convert/cricket';
import {
  clean,
  clockOffsetMs,
  CountdownPrinter,
  currentPositionMs,
  describeState,
  formatChat,
  formatClock,
  formatCountdown,
  formatCountdownLine,
  formatCricket,
  formatEnded,
  formatError,
  formatJoined,
  formatPoint,
  formatPresence,
  formatRelative,
  formatSpeed,
  formatWallClock,
  isPreStart,
  keyCommand,
  playerNames,
  renderFrame,
  scoreLine,
  shortName,
  stepSpeed,
  toTennisPoint,
  type FrameContext,
  type PlaybackView,
} from '../../../scripts/lib/format';

const NAMES: [string, string] = ['Federer', 'Murray'];
const TENNIS: FrameContext = { kind: 'tennis', names: NAMES, raw: false };

/** Row 13 of the match: 0:08:40, Federer aces at 189 km/h, 0-2 in the first set, 15-15. */
const aceFrame: WireFrame = {
  seq: 13,
  t: 520_000,
  type: 'point',
  data: { set: 1, games: [0, 2], points: ['15', '15'], tiebreak: false, setsWon: [0, 0], server: 1, winner: 1, ace: true, serveSpeedKmh: 189 },
};

describe('times and rates', () => {
  test('formatClock is h:mm:ss, truncating and clamping', () => {
    expect(formatClock(0)).toBe('0:00:00');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(formatClock(59_999)).toBe('0:00:59');
    expect(formatClock(14_320_000)).toBe('3:58:40');
    expect(formatClock(-5)).toBe('0:00:00');
    expect(formatClock(Number.NaN)).toBe('0:00:00');
  });

  test('formatSpeed', () => {
    expect(formatSpeed(4)).toBe('4×');
    expect(formatSpeed(0.25)).toBe('0.25×');
    expect(formatSpeed(1.5)).toBe('1.5×');
  });

  test('formatRelative', () => {
    const now = 1_763_900_000_000;
    expect(formatRelative(now - 3_400, now)).toBe('3s ago');
    expect(formatRelative(now - 200, now)).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatRelative(now - 2 * 3600_000 - 5, now)).toBe('2h ago');
    expect(formatRelative(now - 3 * 86400_000, now)).toBe('3d ago');
    expect(formatRelative(now + 3_000, now)).toBe('in 3s');
    expect(formatRelative(undefined, now)).toBe('never');
  });
});

describe('scheduled streams: countdown', () => {
  /** 20:00:00 today, on this machine's clock (the lines show local wall time). */
  const startsAt = new Date(2026, 10, 23, 20, 0, 0).getTime();

  test('formatCountdown is m:ss under an hour, h:mm:ss beyond, rounding up', () => {
    expect(formatCountdown(83_000)).toBe('1:23');
    expect(formatCountdown(82_001)).toBe('1:23');
    expect(formatCountdown(400)).toBe('0:01');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-1)).toBe('0:00');
  });

  test('the countdown line, then "starting now"; the date when the start is on another day', () => {
    expect(formatCountdownLine(startsAt, startsAt - 83_000)).toBe('scheduled — starts in 1:23 (at 20:00:00)');
    expect(formatCountdownLine(startsAt, startsAt - 3_723_000)).toBe('scheduled — starts in 1:02:03 (at 20:00:00)');
    expect(formatCountdownLine(startsAt, startsAt)).toBe('scheduled — starting now (at 20:00:00)');
    expect(formatWallClock(startsAt + 86_400_000, startsAt)).toBe('20:00:00 2026-11-24');
    expect(isPreStart('scheduled') && isPreStart('awaiting_start') && !isPreStart('playing')).toBe(true);
  });

  test('at most one line per 10 s, plus the final one, then nothing', () => {
    const p = new CountdownPrinter(startsAt);
    const printed: string[] = [];
    for (let now = startsAt - 83_000; now <= startsAt + 3_000; now += 1_000) {
      const line = p.line(now);
      if (line) printed.push(line);
    }
    expect(printed).toEqual([
      'scheduled — starts in 1:23 (at 20:00:00)',
      'scheduled — starts in 1:13 (at 20:00:00)',
      'scheduled — starts in 1:03 (at 20:00:00)',
      'scheduled — starts in 0:53 (at 20:00:00)',
      'scheduled — starts in 0:43 (at 20:00:00)',
      'scheduled — starts in 0:33 (at 20:00:00)',
      'scheduled — starts in 0:23 (at 20:00:00)',
      'scheduled — starts in 0:13 (at 20:00:00)',
      'scheduled — starts in 0:03 (at 20:00:00)',
      'scheduled — starting now (at 20:00:00)',
    ]);
    expect(p.done).toBe(true);
    expect(p.line(startsAt + 60_000)).toBeUndefined();
    // joined after the start time (the sweeper starts it within its minute): one final line
    const late = new CountdownPrinter(startsAt);
    expect(late.line(startsAt + 20_000)).toBe('scheduled — starting now (at 20:00:00)');
    expect(late.line(startsAt + 40_000)).toBeUndefined();
  });

  test('the server clock offset from a ping round trip (pong.at at its midpoint)', () => {
    expect(clockOffsetMs(10_000, 10_100, 3_610_050)).toBe(3_600_000);
    expect(clockOffsetMs(10_000, 10_000, 9_000)).toBe(-1_000);
  });
});

describe('tennis points', () => {
  test('converter-style frame: score, server, winner and how', () => {
    const p = toTennisPoint(aceFrame.data);
    expect(p).toMatchObject({ set: 1, games: [0, 2], points: ['15', '15'], server: 1, winner: 1, ace: true, serveSpeedKmh: 189, tiebreak: false });
    const line = formatPoint(aceFrame.t, p!, NAMES);
    expect(line.startsWith('0:08:40  set 1  0-2  15-15')).toBe(true);
    expect(line).toContain('serve Federer');
    expect(line).toMatch(/→ Federer · ace · 189 km\/h$/);
  });

  test('CSV-style frame (row 239: Murray double-faults on a break point at 3:10:40)', () => {
    const data = {
      SetNo: '4', P1GamesWon: '1', P2GamesWon: '1', PointWinner: '1', PointServer: '2', Speed_KMH: '0', Rally: '',
      P1Score: '15', P2Score: '0', P1Ace: '0', P2Ace: '0', P1Winner: '0', P2Winner: '0', P1DoubleFault: '0', P2DoubleFault: '1',
      P1UnfErr: '0', P2UnfErr: '1', P1BreakPoint: '0', P2BreakPoint: '0',
    };
    const p = toTennisPoint(data)!;
    expect(p).toMatchObject({ set: 4, games: [1, 1], points: ['15', '0'], server: 2, winner: 1, doubleFault: true, serveSpeedKmh: null, rally: null });
    const line = formatPoint(11_440_000, p, NAMES);
    expect(line).toContain('3:10:40  set 4  1-1  15-0');
    expect(line).toContain('serve Murray');
    expect(line).toMatch(/→ Federer · double fault$/); // 0 km/h is "not measured", not printed
  });

  test('advantage, sets won, tie-break and break point', () => {
    const adv = toTennisPoint({ set: 2, games: [4, 4], points: ['A', '40'], setsWon: [1, 0], server: 1, winner: 1, rally: 7, winnerShot: true })!;
    expect(scoreLine(adv)).toBe('set 2 (1-0)  4-4  AD-40');
    expect(formatPoint(5_857_000, adv, NAMES)).toMatch(/→ Federer · winner · rally 7$/);
    const tb = toTennisPoint({ set: 1, games: [6, 6], points: [5, 4], server: 2, winner: 1 })!;
    expect(tb.tiebreak).toBe(true);
    expect(scoreLine(tb)).toBe('set 1  6-6  TB 5-4');
    const bp = toTennisPoint({ set: 1, games: [2, 3], points: ['40', '0'], server: 2, winner: 1, breakPoint: true, unforcedError: true })!;
    expect(formatPoint(0, bp, NAMES)).toMatch(/→ Federer · unforced error · break!$/);
  });

  test('data without a score is not a point; missing fields are never invented', () => {
    expect(toTennisPoint({ foo: 1 })).toBeNull();
    expect(toTennisPoint('0:00')).toBeNull();
    expect(toTennisPoint(null)).toBeNull();
    const p = toTennisPoint({ points: ['0', '15'] })!;
    expect(p).toMatchObject({ set: 1, games: [0, 0], server: null, winner: null, setsWon: null });
    expect(formatPoint(0, p, NAMES)).toMatch(/→ \?$/);
  });

  test('player names from titles', () => {
    expect(playerNames('Wimbledon 2012 final: Roger Federer v Andy Murray')).toEqual(['Roger Federer', 'Andy Murray']);
    expect(playerNames('Serena Williams vs Samantha Stosur')).toEqual(['Serena Williams', 'Samantha Stosur']);
    expect(playerNames('a terminal session')).toEqual(['Player 1', 'Player 2']);
    expect(shortName('Juan Martin del Potro')).toBe('Potro');
  });
});

describe('renderFrame', () => {
  test('tennis points become lines; unreadable tennis data falls back to JSON', () => {
    expect(renderFrame(aceFrame, TENNIS)).toEqual({ kind: 'line', text: expect.stringContaining('→ Federer · ace') });
    const odd: WireFrame = { seq: 1, t: 0, type: 'point', data: { note: 'rain delay' } };
    expect(renderFrame(odd, TENNIS)).toEqual({ kind: 'line', text: '{"seq":1,"t":0,"type":"point","data":{"note":"rain delay"}}' });
  });

  test('terminal output is raw; its other frame types print nothing', () => {
    const ctx: FrameContext = { kind: 'terminal', names: NAMES, raw: false };
    expect(renderFrame({ seq: 0, t: 0, type: 'o', data: '\u001b[1mhi\r\n' }, ctx)).toEqual({ kind: 'raw', text: '\u001b[1mhi\r\n' });
    expect(renderFrame({ seq: 1, t: 5, type: 'r', data: '80x24' }, ctx)).toEqual({ kind: 'none' });
  });

  test('other kinds print one JSON line per frame; --raw writes data as it is', () => {
    const ball: WireFrame = { seq: 7, t: 7000, type: 'ball', data: { over: 1.1, runs: 4 } };
    expect(renderFrame(ball, { kind: 'cricket', names: NAMES, raw: false })).toEqual({ kind: 'line', text: JSON.stringify(ball) });
    expect(renderFrame(ball, { kind: 'cricket', names: NAMES, raw: true })).toEqual({ kind: 'raw', text: '{"over":1.1,"runs":4}\n' });
    expect(renderFrame(aceFrame, { ...TENNIS, raw: true }).kind).toBe('raw');
  });
});

describe('messages', () => {
  const joined: JoinedMessage = {
    type: 'joined', streamId: 'spectate:2012-wimbledon-1701', gameId: '2012-wimbledon-1701', kind: 'tennis',
    title: 'Wimbledon 2012 final: Roger Federer v Andy Murray', mode: 'spectate', role: 'spectator', status: 'starting',
    speed: 64, epoch: 1, positionMs: 0, positionSeq: 0, durationMs: 14_320_000, frameCount: 288, clients: 1,
  };
  const base: PlaybackView = { status: 'playing', speed: 1, epoch: 3, positionMs: 600_000 };
  const state = (over: Partial<StateMessage>): StateMessage => ({
    type: 'state', streamId: joined.streamId, status: 'playing', speed: 1, epoch: 4, positionMs: 602_113, positionSeq: 24, by: 'alice', ...over,
  });

  test('header from joined: title, mode, role, speed, duration', () => {
    const [title, detail] = formatJoined(joined);
    expect(title).toBe('▶ Wimbledon 2012 final: Roger Federer v Andy Murray');
    expect(detail).toContain('tennis · spectate · spectator · 64× · 0:00:00 / 3:58:40 · 288 frames');
  });

  test('a live game: LIVE in the status line, its length so far; scheduled streams say so', () => {
    const [, live] = formatJoined({ ...joined, live: true, status: 'playing', positionMs: 600_000, durationMs: 3_723_000, frameCount: 120 });
    expect(live).toBe('  LIVE · tennis · spectate · spectator · 64× · 0:10:00 / 1:02:03 so far · 120 frames so far · spectate:2012-wimbledon-1701');
    expect(formatJoined({ ...joined, status: 'scheduled', startsAt: 1 })[1]).toMatch(/ · scheduled$/);
    expect(formatJoined({ ...joined, status: 'awaiting_start', startsAt: 1 })[1]).toMatch(/ · awaiting start$/);
    expect(formatJoined(joined)[1]).not.toContain('LIVE');
    expect(describeState({ ...base, status: 'scheduled' }, state({ status: 'awaiting_start', by: 'system' }))).toEqual(['… awaiting start']);
    expect(describeState({ ...base, status: 'awaiting_start', speed: 1 }, state({ status: 'playing', by: 'system', positionMs: 0 }))).toEqual(['▶ playing at 1× from 0:00:00']);
  });

  test('state lines say what changed and who changed it', () => {
    expect(describeState(base, state({ status: 'paused' }))).toEqual(['⏸ paused by alice at 0:10:02']);
    expect(describeState({ ...base, status: 'paused' }, state({}))).toEqual(['▶ resumed by alice at 0:10:02']);
    expect(describeState(base, state({ speed: 4, by: 'bob' }))).toEqual(['speed 4× by bob']);
    expect(describeState(base, state({ positionMs: 3_723_000 }))).toEqual(['seek to 1:02:03 by alice']);
    expect(describeState({ ...base, status: 'starting' }, state({ speed: 64, by: 'system', positionMs: 0 }))).toEqual(['▶ playing at 64× from 0:00:00', 'speed 64×']);
    expect(describeState(base, state({ epoch: 3 }))).toEqual([]); // nothing changed
    expect(describeState(base, state({ status: 'failed', by: 'system' }))).toEqual(['✖ stream failed']);
  });

  test('presence, chat (control characters removed), ended, error', () => {
    expect(formatPresence({ type: 'presence', streamId: 's', clients: 3, players: 1, spectators: 2 })).toBe('👥 3 connected: 1 player, 2 spectators');
    expect(formatChat({ type: 'chat', streamId: 's', from: 'alice', text: 'what a\u001b[2J rally', at: 0 })).toBe('💬 alice: what a [2J rally');
    expect(formatEnded('finished')).toBe('■ ended: finished (the recording is over)');
    expect(formatEnded('stopped')).toBe('■ ended: stopped (stopped by a player)');
    expect(formatError({ code: 'forbidden', message: 'pause: only the players of this stream control it' })).toBe(
      'error forbidden: pause: only the players of this stream control it',
    );
    expect(clean('a\nb\rc')).toBe('a b c');
  });
});

describe('interactive controls', () => {
  const view = { status: 'playing' as const, speed: 4, positionMs: 60_000, durationMs: 14_320_000 };

  test('speed steps 0.25 … 64, stopping at the ends', () => {
    expect(stepSpeed(1, 1)).toBe(2);
    expect(stepSpeed(1, -1)).toBe(0.5);
    expect(stepSpeed(3, 1)).toBe(4);
    expect(stepSpeed(3, -1)).toBe(2);
    expect(stepSpeed(64, 1)).toBe(64);
    expect(stepSpeed(0.25, -1)).toBe(0.25);
  });

  test('keys map to protocol actions', () => {
    expect(keyCommand(' ', view)).toEqual({ action: 'pause' });
    expect(keyCommand(' ', { ...view, status: 'paused' })).toEqual({ action: 'resume' });
    expect(keyCommand('+', view)).toEqual({ action: 'speed', speed: 8 });
    expect(keyCommand('-', view)).toEqual({ action: 'speed', speed: 2 });
    expect(keyCommand('+', { ...view, speed: 64 })).toBeUndefined();
    expect(keyCommand('\u001b[C', view)).toEqual({ action: 'seek', toMs: 90_000 });
    expect(keyCommand('\u001b[D', view)).toEqual({ action: 'seek', toMs: 30_000 });
    expect(keyCommand('\u001b[D', { ...view, positionMs: 10_000 })).toEqual({ action: 'seek', toMs: 0 });
    expect(keyCommand('\u001b[C', { ...view, positionMs: 14_310_000 })).toEqual({ action: 'seek', toMs: 14_320_000 });
    expect(keyCommand('q', view)).toEqual({ action: 'quit' });
    expect(keyCommand('\u0003', view)).toEqual({ action: 'quit' });
    expect(keyCommand('x', view)).toBeUndefined();
  });

  test('the media position advances at speed while playing, not while paused', () => {
    const v: PlaybackView = { status: 'playing', speed: 4, epoch: 1, positionMs: 60_000 };
    expect(currentPositionMs(v, 1000, 3500, 14_320_000)).toBe(70_000);
    expect(currentPositionMs({ ...v, status: 'paused' }, 1000, 3500, 14_320_000)).toBe(60_000);
    expect(currentPositionMs(v, 1000, 1e9, 14_320_000)).toBe(14_320_000);
  });
});

/**
 * Cricket frames as the cricsheet converter writes them, modelled on the IPL 2019 final
 * (samples/cricket/ipl-2019-final-1181768.json, Cricsheet, ODC-BY), plus the real converter's
 * output for the whole match.
 */
describe('cricket frames', () => {
  const CRICKET: FrameContext = { kind: 'cricket', names: ['Player 1', 'Player 2'], raw: false };
  const inn = { innings: 2, team: 'Chennai Super Kings', bowlingTeam: 'Mumbai Indians', superOver: false };
  const ballFrame = (extra: Record<string, unknown>): WireFrame => ({
    seq: 240, t: 9_000_000, type: 'ball',
    data: {
      ...inn, ball: '15.4', batter: 'SR Watson', nonStriker: 'DJ Bravo', bowler: 'SL Malinga',
      runs: { batter: 4, extras: 0, total: 4 }, legal: true, boundary: 4,
      score: { runs: 103, wickets: 4, overs: '15.4', extras: { wides: 3, noballs: 0, byes: 1, legbyes: 0, penalty: 0, total: 4 } },
      chase: { target: 150, need: 47, ballsLeft: 26 },
      ...extra,
    },
  });
  const line = (f: WireFrame) => {
    const o = renderFrame(f, CRICKET);
    if (o.kind !== 'line') throw new Error(`not a line: ${o.kind}`);
    return o.text;
  };

  test('a delivery: over.ball, bowler to batter, what happened, the score, the chase', () => {
    const text = line(ballFrame({}));
    expect(text).toMatch(/^ 15\.4  Malinga to Watson +FOUR +CSK 103\/4  need 47 off 26$/);
    expect(line(ballFrame({ runs: { batter: 0, extras: 0, total: 0 }, boundary: undefined }))).toMatch(/Malinga to Watson +no run +CSK/);
    expect(line(ballFrame({ runs: { batter: 6, extras: 0, total: 6 }, boundary: 6 }))).toMatch(/ SIX /);
    expect(line(ballFrame({ runs: { batter: 0, extras: 1, total: 1 }, extras: { wides: 1 }, boundary: undefined, legal: false }))).toMatch(/ wide /);
    expect(line(ballFrame({ runs: { batter: 0, extras: 2, total: 2 }, extras: { legbyes: 2 }, boundary: undefined }))).toMatch(/ 2 leg byes /);
    expect(line(ballFrame({ runs: { batter: 1, extras: 1, total: 2 }, extras: { noballs: 1 }, boundary: undefined, legal: false }))).toMatch(/ no ball \+ 1 /);
    const out = line(ballFrame({ runs: { batter: 0, extras: 0, total: 0 }, boundary: undefined, wickets: [{ kind: 'lbw', playerOut: 'SN Thakur', fielders: [] }] }));
    expect(out).toMatch(/ OUT +CSK/);
    // first innings: no chase
    expect(line(ballFrame({ ...inn, innings: 1, team: 'Mumbai Indians', chase: undefined }))).toMatch(/FOUR +MI 103\/4$/);
  });

  test('a wicket, an over, an innings, a milestone, the result', () => {
    const wicket: WireFrame = {
      seq: 34, t: 1_110_000, type: 'wicket',
      data: {
        ...inn, innings: 1, team: 'Mumbai Indians', ball: '4.5',
        wicket: { kind: 'caught', playerOut: 'Q de Kock', fielders: ['MS Dhoni'], bowler: 'SN Thakur' },
        batter: { name: 'Q de Kock', runs: 29, balls: 17, fours: 0, sixes: 4, out: true, howOut: 'caught' },
        fall: { wicket: 1, runs: 45, overs: '4.5' }, partnership: { runs: 45, balls: 29 },
      },
    };
    expect(line(wicket)).toBe('      ✖ WICKET  de Kock c Dhoni b Thakur 29 (17) · fall 1-45 (4.5 ov) · partnership 45 (29)');
    const over: WireFrame = {
      seq: 150, t: 4_800_000, type: 'over',
      data: {
        ...inn, innings: 1, team: 'Mumbai Indians', over: 20, bowler: 'DJ Bravo', runs: 9, wickets: 1, maiden: false,
        balls: ['.', '.', '.', '1W', '4', '4'], score: { runs: 149, wickets: 8, overs: '20.0' },
        bowlerLine: { name: 'DJ Bravo', overs: '3.0', maidens: 0, runs: 24, wickets: 0, wides: 1, noballs: 0 },
      },
    };
    expect(line(over)).toBe('      ── end of over 20 · Bravo 3-0-24-0 · 9 runs, 1 wkt · . . . 1W 4 4 · MI 149/8');
    const innings: WireFrame = { seq: 304, t: 10_230_000, type: 'innings', data: { ...inn, runs: 148, wickets: 7, overs: '20.0', target: 150, summary: 'Chennai Super Kings 148/7 (20.0 ov)' } };
    expect(line(innings)).toBe('══ end of innings: Chennai Super Kings 148/7 (20.0 ov) · target 150');
    const milestone: WireFrame = { seq: 269, t: 9_210_000, type: 'milestone', data: { ...inn, milestone: 'fifty', player: 'SR Watson', runs: 50, balls: 44, text: 'SR Watson reaches 50 off 44 balls' } };
    expect(line(milestone)).toBe('      ★ SR Watson reaches 50 off 44 balls');
    const match: WireFrame = { seq: 305, t: 10_230_000, type: 'match', data: { result: 'Mumbai Indians won by 1 run', winner: 'Mumbai Indians', playerOfMatch: ['JJ Bumrah'], innings: [] } };
    expect(line(match)).toBe('🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
  });

  test('names, teams, dismissals; control characters never reach the terminal', () => {
    expect(line(ballFrame({ batter: 'X\u001b[2JY' }))).not.toContain('\u001b');
  });

  test('data that does not fit prints as JSON; every frame of the real final prints one line', () => {
    expect(formatCricket({ seq: 1, t: 0, type: 'ball', data: { nope: 1 } })).toBeNull();
    expect(line({ seq: 1, t: 0, type: 'ball', data: { nope: 1 } })).toBe('{"seq":1,"t":0,"type":"ball","data":{"nope":1}}');
    const frames = convertCricsheet(readFileSync(`${__dirname}/../../../samples/cricket/ipl-2019-final-1181768.json`, 'utf8'), { fileName: 'ipl-2019-final-1181768.json' }).frames;
    const lines = frames.map((f) => formatCricket(f));
    expect(lines.every((l) => l !== null && !l.startsWith('{'))).toBe(true);
    expect(lines.filter((l) => l!.includes('✖ WICKET'))).toHaveLength(15);
    expect(lines.filter((l) => l!.includes('── end of over'))).toHaveLength(40);
    expect(lines[lines.length - 1]).toBe('🏆 Mumbai Indians won by 1 run · player of the match: JJ Bumrah');
  });
});
