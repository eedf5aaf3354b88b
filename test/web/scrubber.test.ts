import type { WireMarker } from '../../protocol/messages';
import { parseRoute } from '../../web/src/core/route';
import {
  digitKeyMs,
  kindName,
  markerAtOrBefore,
  markerKinds,
  NEXT_EPSILON_MS,
  PREV_GRACE_MS,
  previewAt,
  shareMomentLink,
  stepMarker,
} from '../../web/src/core/scrubber';

const M = (seq: number, t: number, kind: string, label = `${kind} ${seq}`): WireMarker => ({ seq, t, kind, label });

/** A short tennis match's markers, deliberately out of order. */
const MARKERS: WireMarker[] = [
  M(30, 900_000, 'set', 'Set 1 Bartoli 6-4'),
  M(4, 120_000, 'game', 'Game Bartoli (1-0, set 1)'),
  M(9, 300_000, 'break', 'Break Lisicki (1-1, set 1)'),
  M(14, 480_000, 'game', 'Game Bartoli (2-1, set 1)'),
  M(30, 900_000, 'game', 'Game Bartoli (6-4, set 1)'),
];

describe('the marker at or before a point (the preview)', () => {
  it('is the last marker whose time is not after the point', () => {
    expect(markerAtOrBefore(MARKERS, 0)).toBeUndefined();
    expect(markerAtOrBefore(MARKERS, 119_999)).toBeUndefined();
    expect(markerAtOrBefore(MARKERS, 120_000)?.label).toBe('Game Bartoli (1-0, set 1)');
    expect(markerAtOrBefore(MARKERS, 400_000)?.label).toBe('Break Lisicki (1-1, set 1)');
    expect(markerAtOrBefore(MARKERS, 10_000_000)?.t).toBe(900_000);
  });
  it('keeps to one kind when asked', () => {
    expect(markerAtOrBefore(MARKERS, 400_000, 'game')?.seq).toBe(4);
    expect(markerAtOrBefore(MARKERS, 400_000, 'set')).toBeUndefined();
  });
  it('previews the time and the label as the recording words it (no score made up)', () => {
    expect(previewAt(MARKERS, 500_000)).toEqual({ time: '0:08:20', label: 'Game Bartoli (2-1, set 1)', markerSeq: 14 });
    expect(previewAt(MARKERS, 60_000)).toEqual({ time: '0:01:00' });
    expect(previewAt([], 60_000)).toEqual({ time: '0:01:00' });
  });
});

describe('next and previous marker', () => {
  it('next is the first marker ahead of the playhead; a playhead standing on a marker skips it', () => {
    expect(stepMarker(MARKERS, 0, 1)?.t).toBe(120_000);
    expect(stepMarker(MARKERS, 120_000, 1)?.t).toBe(300_000);
    expect(stepMarker(MARKERS, 120_000 + NEXT_EPSILON_MS - 1, 1)?.t).toBe(300_000);
    expect(stepMarker(MARKERS, 900_000, 1)).toBeUndefined();
  });
  it('previous goes to the one before when the playhead is just past a marker', () => {
    expect(stepMarker(MARKERS, 480_000 + PREV_GRACE_MS - 1, -1)?.t).toBe(300_000);
    expect(stepMarker(MARKERS, 480_000 + PREV_GRACE_MS + 1, -1)?.t).toBe(480_000);
    expect(stepMarker(MARKERS, 100_000, -1)).toBeUndefined();
  });
  it('of one kind: games skip the break, sets go straight to the set', () => {
    expect(stepMarker(MARKERS, 120_000, 1, 'game')?.t).toBe(480_000);
    expect(stepMarker(MARKERS, 0, 1, 'set')?.label).toBe('Set 1 Bartoli 6-4');
    expect(stepMarker(MARKERS, 800_000, -1, 'break')?.t).toBe(300_000);
    expect(stepMarker(MARKERS, 0, 1, 'wicket')).toBeUndefined();
  });
  it('lists the kinds present with their counts, in order of first appearance', () => {
    expect(markerKinds(MARKERS)).toEqual([
      { kind: 'game', count: 3 },
      { kind: 'break', count: 1 },
      { kind: 'set', count: 1 },
    ]);
    expect(markerKinds([])).toEqual([]);
    expect(kindName('wicket')).toBe('Wickets');
    expect(kindName('over')).toBe('Overs');
    expect(kindName('something-new')).toBe('something-new');
  });
});

describe('number keys', () => {
  it('0–9 seek to 0–90 % of the match', () => {
    expect(digitKeyMs('0', 4_885_000)).toBe(0);
    expect(digitKeyMs('5', 4_885_000)).toBe(2_442_500);
    expect(digitKeyMs('9', 1000)).toBe(900);
  });
  it('other keys, or an unknown length, seek nowhere', () => {
    for (const k of ['a', '10', '', ' ', '-1', '½']) expect(digitKeyMs(k, 1000)).toBeUndefined();
    expect(digitKeyMs('5', 0)).toBeUndefined();
    expect(digitKeyMs('5', Number.NaN)).toBeUndefined();
  });
});

describe('"Share this moment"', () => {
  it('links to this game as the viewer\'s own stream at this media time, in whole seconds', () => {
    const link = shareMomentLink('https://example.org/app/', '2013-wimbledon-2701', 2_442_500.7);
    expect(link).toBe('https://example.org/app/#/watch/2013-wimbledon-2701?mode=pvai&at=2442000');
    expect(parseRoute(link.slice(link.indexOf('#')))).toEqual({ name: 'watch', gameId: '2013-wimbledon-2701', mode: 'pvai', atMs: 2_442_000 });
  });
  it('drops any hash already on the base; a negative or broken time is the start', () => {
    expect(shareMomentLink('http://127.0.0.1:3000/#/room/g/r', 'g', -5)).toBe('http://127.0.0.1:3000/#/watch/g?mode=pvai&at=0');
    expect(shareMomentLink('http://h/', 'g', Number.NaN)).toBe('http://h/#/watch/g?mode=pvai&at=0');
  });
});
