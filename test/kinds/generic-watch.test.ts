/** The generic view of `npm run watch` (kinds/generic/watch.ts): event counts and the latest events. */
import { generic } from '../../kinds/generic';
import { genericEventLine, genericWatch, renderGeneric } from '../../kinds/generic/watch';
import { watchOf, WATCHES } from '../../kinds/watch';
import { KINDS } from '../../kinds';

const header = { format: 'matchcast/1' as const, gameId: 'g', kind: 'generic', title: 'g', participants: [], durationMs: 0, frameCount: 0, meta: {} };

test('counts per type, most frequent first; the latest events as JSON lines', async () => {
  const v = genericWatch.view(generic.snapshot(generic.initialState(header)));
  const lines = await v.apply([
    { seq: 0, t: 0, type: 'tick', data: { n: 1 } },
    { seq: 1, t: 65_000, type: 'goal', data: { team: 'home' } },
    { seq: 2, t: 66_000, type: 'tick', data: { n: 2 } },
  ]);
  expect(lines).toEqual(['#0 0:00:00 tick {"n":1}', '#1 0:01:05 goal {"team":"home"}', '#2 0:01:06 tick {"n":2}']);
  expect(await v.lines()).toEqual(['3 events: tick 2 · goal 1', '  #0 0:00:00 tick {"n":1}', '  #1 0:01:05 goal {"team":"home"}', '  #2 0:01:06 tick {"n":2}']);
  expect(renderGeneric(generic.initialState(header))).toEqual(['0 events']);
});

test('long event data is cut', () => {
  expect(genericEventLine({ seq: 1, t: 0, type: 'x', data: { s: 'y'.repeat(500) } }).length).toBeLessThan(200);
});

test('the registry: one terminal side per kind; an unknown kind is shown as generic events', () => {
  expect(WATCHES.map((w) => w.kind).sort()).toEqual(KINDS.map((k) => k.kind).sort());
  expect(watchOf('pong')).toBe(genericWatch);
});
