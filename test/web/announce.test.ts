/** Screen-reader announcements of new points: one per gap, the rest summed up. */
import { AnnounceThrottle } from '../../web/src/core/announce';

test('the first line is spoken at once; lines within the gap wait and are summed up', () => {
  const a = new AnnounceThrottle(4000);
  expect(a.push('Bartoli ace', 0)).toEqual({ say: 'Bartoli ace' });
  expect(a.push('Point Lisicki', 500)).toEqual({ dueAt: 4000 });
  expect(a.push('Lisicki winner', 900)).toEqual({}); // a flush is already due
  expect(a.push('Bartoli double fault', 1200)).toEqual({});
  expect(a.flush(4000)).toBe('Bartoli double fault, and 2 more');
  expect(a.flush(4100)).toBeUndefined();
  expect(a.push('Point Bartoli', 9000)).toEqual({ say: 'Point Bartoli' });
  a.push('held', 9500);
  a.reset();
  expect(a.flush(13_000)).toBeUndefined();
});
