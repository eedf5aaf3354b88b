import fc from 'fast-check';
import { dueAt } from '../../../lambda/core/clock';
import { canControl, decideControl, newStreamRow, roleIn, type ControlAction } from '../../../lambda/core/control';
import type { GameRow, StreamRow } from '../../../contract/rows';
import { nextBatch } from '../../../lambda/core/planner';
import type { StreamStatus, WireFrame } from '../../../protocol/messages';

const game: GameRow = {
  gameId: 'g',
  title: 'G',
  kind: 'tennis',
  recordingKey: 'recordings/g.jsonl',
  indexKey: 'recordings/g.idx.json',
  durationMs: 100_000,
  frameCount: 101,
  participants: ['a', 'b'],
  createdAt: 0,
};
const NOW = 1_700_000_000_000;

function stream(over: Partial<StreamRow> = {}): StreamRow {
  return {
    ...newStreamRow({ streamId: 'pvai:g:alice', mode: 'pvai', game, userId: 'alice', speed: 1, atMs: 0, atSeq: 0, now: NOW }),
    status: 'playing',
    ...over,
  };
}

describe('roles and permissions', () => {
  it('makes the pvai player the only controller', () => {
    const s = stream();
    expect(roleIn(s, 'alice')).toBe('player');
    expect(roleIn(s, 'bob')).toBe('spectator');
    expect(canControl(s, 'bob')).toBe(false);
  });

  it('gives spectate streams no controllers', () => {
    const s = newStreamRow({ streamId: 'spectate:g', mode: 'spectate', game, userId: 'alice', speed: 1, atMs: 0, atSeq: 0, now: NOW });
    expect(s.controllers).toEqual([]);
    expect(canControl(s, 'alice')).toBe(false);
  });

  it('refuses a spectator with forbidden and changes nothing', () => {
    for (const c of [{ action: 'pause' }, { action: 'resume' }, { action: 'speed', speed: 2 }, { action: 'seek', toMs: 5, toSeq: 1 }] as ControlAction[]) {
      const r = decideControl(stream(), 'bob', c, NOW);
      expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden', action: c.action }) });
    }
  });
});

describe('every control from every status', () => {
  const controls: ControlAction[] = [
    { action: 'pause' },
    { action: 'resume' },
    { action: 'speed', speed: 4 },
    { action: 'seek', toMs: 50_000, toSeq: 50 },
  ];
  const expected: Record<StreamStatus, Record<string, 'ok' | string>> = {
    scheduled: { pause: 'conflict', resume: 'conflict', speed: 'conflict', seek: 'conflict' },
    awaiting_start: { pause: 'conflict', resume: 'conflict', speed: 'conflict', seek: 'conflict' },
    starting: { pause: 'ok', resume: 'conflict', speed: 'ok', seek: 'ok' },
    playing: { pause: 'ok', resume: 'conflict', speed: 'ok', seek: 'ok' },
    paused: { pause: 'conflict', resume: 'ok', speed: 'ok', seek: 'ok' },
    ended: { pause: 'conflict', resume: 'conflict', speed: 'conflict', seek: 'conflict' },
    failed: { pause: 'conflict', resume: 'conflict', speed: 'conflict', seek: 'conflict' },
  };
  for (const [status, row] of Object.entries(expected)) {
    for (const c of controls) {
      it(`${c.action} while ${status} → ${row[c.action]}`, () => {
        const r = decideControl(stream({ status: status as StreamStatus }), 'alice', c, NOW + 5_000);
        if (row[c.action] === 'ok') {
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.decision.changes.epoch).toBe(2);
        } else {
          expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: row[c.action] }) });
        }
      });
    }
  }

  it('waits for the second pvp player before any control', () => {
    const s = stream({ mode: 'pvp', status: 'starting', controllers: ['alice'] });
    expect(decideControl(s, 'alice', { action: 'pause' }, NOW)).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses a seek past the end with bad_request', () => {
    expect(decideControl(stream(), 'alice', { action: 'seek', toMs: 100_001, toSeq: 101 }, NOW)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});

describe('position across controls', () => {
  it('pause keeps the media time showing and stops the execution; resume restarts from it', () => {
    const s = stream({ anchorAt: NOW, positionMs: 10_000, positionSeq: 11, speed: 2 });
    const p = decideControl(s, 'alice', { action: 'pause' }, NOW + 1_500);
    if (!p.ok) throw new Error('pause refused');
    expect(p.decision).toMatchObject({ stopExecution: true, startExecution: false });
    expect(p.decision.changes).toMatchObject({ status: 'paused', positionMs: 13_000, positionSeq: 11, epochStartSeq: 11 });
    const paused = { ...s, ...p.decision.changes };
    const r = decideControl(paused, 'alice', { action: 'resume' }, NOW + 60_000);
    if (!r.ok) throw new Error('resume refused');
    expect(r.decision).toMatchObject({ stopExecution: false, startExecution: true });
    expect(r.decision.changes).toMatchObject({ status: 'playing', positionMs: 13_000, positionSeq: 11, anchorAt: NOW + 60_000 }); // no lead: due at once
  });

  it('pause and speed behind a late tick stop the position at the next frame not sent, never past it', () => {
    // At NOW + 1,500 the clock shows 13,000 ms, but the frame at positionSeq 11 (due at 12,000)
    // was not sent yet: the position stops at 12,000, so that frame is the next one after resume.
    const s = stream({ anchorAt: NOW, positionMs: 10_000, positionSeq: 11, speed: 2 });
    const p = decideControl(s, 'alice', { action: 'pause', nextFrameMs: 12_000 }, NOW + 1_500);
    if (!p.ok) throw new Error('pause refused');
    expect(p.decision.changes).toMatchObject({ status: 'paused', positionMs: 12_000, positionSeq: 11 });
    const v = decideControl(s, 'alice', { action: 'speed', speed: 4, nextFrameMs: 12_000 }, NOW + 1_500);
    if (!v.ok) throw new Error('speed refused');
    expect(v.decision.changes).toMatchObject({ positionMs: 12_000, positionSeq: 11, speed: 4 });
    // On time (the next frame is later than the clock): the clock's position, as before.
    const q = decideControl(s, 'alice', { action: 'pause', nextFrameMs: 20_000 }, NOW + 1_500);
    if (!q.ok) throw new Error('pause refused');
    expect(q.decision.changes).toMatchObject({ positionMs: 13_000 });
  });

  it('seek puts the first frame with t ≥ toMs next and starts a new epoch at it', () => {
    const r = decideControl(stream(), 'alice', { action: 'seek', toMs: 42_500, toSeq: 43 }, NOW);
    if (!r.ok) throw new Error('seek refused');
    expect(r.decision.changes).toMatchObject({ positionMs: 42_500, positionSeq: 43, epochStartSeq: 43, epoch: 2, generation: 0 });
  });
});

/**
 * Property (the anchor math): for any sequence of controls at any times, a simulated
 * player that sends frames as the planner says never sends a frame before its due time,
 * sends each epoch's frames in seq order without gaps, and after pause+resume continues with
 * the frame after the last one sent.
 */
describe('anchor math under any control sequence (property)', () => {
  const frames: WireFrame[] = Array.from({ length: 400 }, (_, seq) => ({ seq, t: seq * 1_000 + (seq % 3) * 100, type: 'p', data: null }));
  const g: GameRow = { ...game, durationMs: frames.at(-1)!.t, frameCount: frames.length };
  const controlArb: fc.Arbitrary<ControlAction> = fc.oneof(
    fc.constant({ action: 'pause' } as const),
    fc.constant({ action: 'resume' } as const),
    fc.double({ min: 0.25, max: 64, noNaN: true }).map((speed) => ({ action: 'speed', speed }) as const),
    fc.integer({ min: 0, max: g.durationMs }).map((toMs) => ({ action: 'seek', toMs, toSeq: frames.findIndex((f) => f.t >= toMs) }) as const),
  );

  /**
   * A failed property, in plain words (a plain check: `expect` per frame made this test the
   * unit lane's slowest, and fast-check reports the shrunk counterexample either way).
   */
  const check = (ok: boolean, what: () => string): void => {
    if (!ok) throw new Error(what());
  };

  it('holds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), controlArb), { maxLength: 25 }), (steps) => {
        let s: StreamRow = { ...newStreamRow({ streamId: 'pvai:g:a', mode: 'pvai', game: g, userId: 'a', speed: 1, atMs: 0, atSeq: 0, now: 0 }), status: 'playing' };
        let now = 0;
        const sent: { seq: number; epoch: number; at: number }[] = [];
        const play = (until: number) => {
          while (s.status === 'playing' && s.positionSeq < frames.length) {
            const b = nextBatch(frames.slice(s.positionSeq, s.positionSeq + 8), s, { batchQuantumMs: 25 })!;
            const at = Math.max(now, b.dueAt);
            if (at > until) break;
            for (const f of b.frames) {
              check(at >= dueAt(s, f.t) - 1e-6, () => `frame ${f.seq} sent at ${at}, before it is due at ${dueAt(s, f.t)}`);
              // The first frame of an epoch is the one its control named: after pause+resume,
              // the frame after the last sent; after a seek, the first with t ≥ toMs.
              if (sent.at(-1)?.epoch !== s.epoch) check(f.seq === s.epochStartSeq, () => `epoch ${s.epoch} starts at ${f.seq}, not at its epochStartSeq ${s.epochStartSeq}`);
              sent.push({ seq: f.seq, epoch: s.epoch, at });
            }
            const last = b.frames.at(-1)!;
            s = { ...s, positionSeq: last.seq + 1, positionMs: last.t, anchorAt: dueAt(s, last.t) };
            now = at;
          }
          now = Math.max(now, until);
        };
        for (const [dt, control] of steps) {
          play(now + dt);
          const before = s;
          const r = decideControl(s, 'a', control, now);
          if (!r.ok) continue;
          s = { ...s, ...r.decision.changes };
          if (control.action === 'resume') check(s.positionSeq === before.positionSeq, () => `resume moved positionSeq ${before.positionSeq} → ${s.positionSeq}`);
        }
        play(now + 10_000_000);
        // Within each epoch: strictly consecutive seqs.
        for (let i = 1; i < sent.length; i++) {
          const [a, b] = [sent[i - 1]!, sent[i]!];
          if (b.epoch === a.epoch) check(b.seq === a.seq + 1, () => `epoch ${b.epoch}: seq ${b.seq} after ${a.seq}`);
          check(b.at >= a.at, () => `seq ${b.seq} sent at ${b.at}, before seq ${a.seq} at ${a.at}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('controls of a stream that sent frames ahead (a playout buffer)', () => {
  // Frames 0–9 were sent ahead (positionSeq 10); at NOW + 1.5 s media 11.5 s shows, and frame 7
  // (t 12 s) is the first not yet due: the caller passes it as nextSeq with its time.
  const s = stream({ leadMs: 5000, positionSeq: 10, epochStartSeq: 0, positionMs: 10_000, anchorAt: NOW, speed: 1 });

  it('pause and speed start the new epoch at nextSeq, the first frame not yet due', () => {
    const p = decideControl(s, 'alice', { action: 'pause', nextFrameMs: 12_000, nextSeq: 7 }, NOW + 1_500);
    expect(p.ok && p.decision.changes).toMatchObject({ status: 'paused', positionSeq: 7, epochStartSeq: 7, positionMs: 11_500 });
    const v = decideControl(s, 'alice', { action: 'speed', speed: 2, nextFrameMs: 12_000, nextSeq: 7 }, NOW + 1_500);
    expect(v.ok && v.decision.changes).toMatchObject({ status: 'playing', speed: 2, positionSeq: 7, epochStartSeq: 7, anchorAt: NOW + 1_500 });
  });

  it('never moves past the row position or before its epoch start; ignores nextSeq for resume, seek and a paused stream', () => {
    const ahead = decideControl(s, 'alice', { action: 'pause', nextSeq: 12 }, NOW + 1_500);
    expect(ahead.ok && ahead.decision.changes.positionSeq).toBe(10);
    const behind = decideControl({ ...s, epochStartSeq: 8 }, 'alice', { action: 'pause', nextSeq: 7 }, NOW + 1_500);
    expect(behind.ok && behind.decision.changes.positionSeq).toBe(8);
    const paused = decideControl({ ...s, status: 'paused', positionSeq: 7 }, 'alice', { action: 'speed', speed: 2, nextSeq: 3 }, NOW + 1_500);
    expect(paused.ok && paused.decision.changes.positionSeq).toBe(7);
    const seek = decideControl(s, 'alice', { action: 'seek', toMs: 50_000, toSeq: 50 }, NOW + 1_500);
    expect(seek.ok && seek.decision.changes.positionSeq).toBe(50);
  });

  it('a spectate stream gets the spectate lead; a player stream none', () => {
    expect(newStreamRow({ streamId: 'spectate:g', mode: 'spectate', game, userId: 'a', speed: 1, atMs: 0, atSeq: 0, spectateLeadMs: 3000, now: NOW }).leadMs).toBe(3000);
    expect(newStreamRow({ streamId: 'pvai:g:a', mode: 'pvai', game, userId: 'a', speed: 1, atMs: 0, atSeq: 0, spectateLeadMs: 3000, now: NOW }).leadMs).toBeUndefined();
    expect(newStreamRow({ streamId: 'spectate:g', mode: 'spectate', game, userId: 'a', speed: 1, atMs: 0, atSeq: 0, spectateLeadMs: 0, now: NOW }).leadMs).toBeUndefined();
  });
});
