/**
 * The web client's kinds (web/src/kinds/): one view per shared kind (kinds/index.ts), the
 * protocol 1.1 fields it reads (snapshot, markers), the terminal's fit and base, the generic
 * log line.
 */
import { KINDS } from '../../kinds';
import { KIND_VIEWS, kindView } from '../../web/src/kinds';
import { eventLine } from '../../web/src/kinds/generic';
import { fitFontPx, MAX_FONT_PX, MIN_FONT_PX, sizeOf } from '../../web/src/kinds/terminal/fit';
import { terminalBase } from '../../web/src/kinds/terminal';
import { markersOf, MAX_CLIENT_MARKERS, snapshotOf } from '../../web/src/kinds/types';

describe('the list of kind views', () => {
  it('has one view per shared kind, each once', () => {
    expect(KIND_VIEWS.map((k) => k.kind).sort()).toEqual(KINDS.map((k) => k.kind).sort());
  });
  it('falls back to the generic view for a kind without one', () => {
    expect(kindView('pong').kind).toBe('generic');
    expect(kindView('chess').kind).toBe('chess');
  });
});

describe('protocol 1.1 fields', () => {
  it('snapshot: kept when well-formed, else undefined', () => {
    expect(snapshotOf({ snapshot: { seq: 4, state: { a: 1 } } })).toEqual({ seq: 4, state: { a: 1 } });
    expect(snapshotOf({})).toBeUndefined();
    expect(snapshotOf({ snapshot: { seq: -1, state: {} } })).toBeUndefined();
    expect(snapshotOf({ snapshot: { seq: 1.5, state: {} } })).toBeUndefined();
    expect(snapshotOf({ snapshot: { seq: 2 } })).toBeUndefined();
  });
  it('markers: the well-formed ones, at most the cap', () => {
    const ok = { t: 1000, seq: 3, label: 'Break Bartoli', kind: 'break' };
    expect(markersOf({ markers: [ok, { t: 'x' }, null, { ...ok, seq: -2 }] })).toEqual([ok]);
    expect(markersOf({ markers: 'nope' })).toEqual([]);
    expect(markersOf({})).toEqual([]);
    expect(markersOf({ markers: Array.from({ length: MAX_CLIENT_MARKERS + 5 }, (_, i) => ({ ...ok, seq: i })) })).toHaveLength(MAX_CLIENT_MARKERS);
  });
});

describe('terminal', () => {
  it('fits the font to the width, in quarter pixels, within bounds', () => {
    expect(fitFontPx(400, 800, 13)).toBe(6.5);
    expect(fitFontPx(1000, 650, 13)).toBe(MAX_FONT_PX);
    expect(fitFontPx(50, 800, 13)).toBe(MIN_FONT_PX);
    expect(fitFontPx(333, 700, 13)).toBe(6);
    expect(fitFontPx(0, 800, 13)).toBe(13); // not laid out yet
    expect(fitFontPx(400, 0, 13)).toBe(13);
  });
  it('sizes: positive integers up to 1000', () => {
    expect(sizeOf({ cols: 80, rows: 24 })).toEqual({ cols: 80, rows: 24 });
    expect(sizeOf({ cols: 0, rows: 24 })).toBeUndefined();
    expect(sizeOf({ cols: 80.5, rows: 24 })).toBeUndefined();
    expect(sizeOf({ cols: 5000, rows: 24 })).toBeUndefined();
    expect(sizeOf('80x24')).toBeUndefined();
  });
  it('the base of a snapshot: its size and screen', () => {
    expect(terminalBase({ seq: 64, state: { cols: 80, rows: 24, screen: '\x1b[H hi', exit: null } })).toEqual({ seq: 64, cols: 80, rows: 24, screen: '\x1b[H hi' });
    expect(terminalBase({ seq: 64, state: { cols: 80, rows: 24 } })).toBeUndefined();
    expect(terminalBase(undefined)).toBeUndefined();
  });
});

describe('generic', () => {
  it('one log line per event, data cut at 400 characters', () => {
    expect(eventLine({ seq: 12, t: 65_000, type: 'move', data: { x: 3 } })).toEqual({ head: 'seq 12 · 0:01:05', type: 'move', data: '{"x":3}' });
    expect(eventLine({ seq: 1, t: 0, type: 'e', data: 'y'.repeat(500) }).data).toHaveLength(401);
  });
});
