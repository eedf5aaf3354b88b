/**
 * The game as `npm run watch` keeps it (scripts/watch/view.ts): a snapshot or the kind's
 * initial state, frames applied in seq order and each once, seeks and rejoins.
 */
import type { WireFrame } from '../../../protocol/messages';
import { generic, type GenericState } from '../../../kinds/generic';
import { headerOf, MAX_WAITING, movedByOf, playerNames, snapshotOf, StreamView } from '../../../scripts/watch/view';

const header = headerOf({ gameId: 'g', kind: 'generic', title: 'log', durationMs: 0, frameCount: 0 });
const ev = (seq: number): WireFrame => ({ seq, t: seq * 1000, type: 'tick', data: { n: seq } });
/** The generic reducer, which is synchronous. */
const reduce = (s: GenericState, f: WireFrame) => generic.reduce(s, f) as GenericState;
const seqs = (lines: string[]) => lines.map((l) => Number(/^#(\d+)/.exec(l)?.[1]));

test('frames are applied in seq order, each once; an early frame waits for the ones before it', async () => {
  const v = new StreamView('generic', header, undefined, 0);
  expect(seqs(await v.take([ev(0), ev(2)]))).toEqual([0]);
  expect(seqs(await v.take([ev(1)]))).toEqual([1, 2]);
  expect(await v.take([ev(1), ev(2)])).toEqual([]);
  expect(v.nextSeq).toBe(3);
  expect(v.exact).toBe(true);
});

test('a snapshot: its state, then frames from its seq on', async () => {
  const state = generic.snapshot([ev(0), ev(1), ev(2)].reduce(reduce, generic.initialState(header)));
  const v = new StreamView('generic', header, { seq: 3, state }, 3);
  expect((await v.lines())[0]).toBe('3 events: tick 3');
  expect(seqs(await v.take([ev(2), ev(3)]))).toEqual([3]);
  v.reset({ seq: 1, state: generic.snapshot(reduce(generic.initialState(header), ev(0))) });
  expect((await v.lines())[0]).toBe('1 event: tick 1');
  expect(seqs(await v.take([ev(1), ev(2)]))).toEqual([1, 2]);
});

test('without a snapshot past seq 0 the view is not exact; a gap that never fills is crossed at the end, or when too much waits', async () => {
  const v = new StreamView('generic', header, undefined, 5);
  expect(v.exact).toBe(false);
  const w = new StreamView('generic', header, undefined, 0);
  expect(await w.take([ev(2)])).toEqual([]);
  expect(seqs(await w.take([], true))).toEqual([2]);
  expect(w.exact).toBe(false);
  const x = new StreamView('generic', header, undefined, 0);
  const many = Array.from({ length: MAX_WAITING + 1 }, (_, i) => ev(i + 1));
  expect(await x.take(many)).toHaveLength(MAX_WAITING + 1);
});

test('a new epoch without a snapshot: waiting frames from its position are dropped; moving back makes the view inexact', async () => {
  const v = new StreamView('generic', header, undefined, 0);
  await v.take([ev(0), ev(1), ev(3)]);
  v.position(2);
  expect(v.exact).toBe(true);
  expect(seqs(await v.take([ev(2)]))).toEqual([2]);
  v.position(1);
  expect(v.exact).toBe(false);
});

test('reading the 1.1 fields defensively; names from a title', () => {
  expect(snapshotOf({ snapshot: { seq: 4, state: { a: 1 } } })).toEqual({ seq: 4, state: { a: 1 } });
  expect(snapshotOf({ snapshot: { seq: -1, state: {} } })).toBeUndefined();
  expect(snapshotOf({ snapshot: { seq: 1 } })).toBeUndefined();
  expect(snapshotOf({})).toBeUndefined();
  expect(movedByOf({ movedBy: 'alice' })).toBe('alice');
  expect(movedByOf({ by: 'system' })).toBeUndefined();
  expect(playerNames('Wimbledon 2012 final: Roger Federer v Andy Murray')).toEqual(['Roger Federer', 'Andy Murray']);
  expect(playerNames('asciinema welcome')).toEqual(['Player 1', 'Player 2']);
});
