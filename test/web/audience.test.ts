/** Collapsed join/leave notices from the audience's size (web/src/core/audience.ts). */
import { AudienceTally } from '../../web/src/core/audience';

test('the first count is the baseline; later changes add up into one notice until a cut', () => {
  const a = new AudienceTally();
  expect(a.update(3)).toBeUndefined(); // own arrival: never announced
  expect(a.update(3)).toBeUndefined();
  expect(a.update(4)).toBe('1 person joined');
  expect(a.update(6)).toBe('3 people joined');
  expect(a.update(5)).toBe('3 people joined · 1 left');
  a.cut(); // a chat message came in between
  expect(a.update(3)).toBe('2 people left');
  expect(a.update(4)).toBe('1 person joined · 2 left');
});

test('a rejoin starts again from a baseline, announcing nothing of its own return', () => {
  const a = new AudienceTally();
  a.update(2);
  expect(a.update(1)).toBe('1 person left');
  a.reset();
  expect(a.update(9)).toBeUndefined();
  expect(a.update(8)).toBe('1 person left');
});

test('a joined\'s own count is the baseline: the presence counting the same audience says nothing', () => {
  const a = new AudienceTally();
  a.reset(2);
  expect(a.update(2)).toBeUndefined();
  expect(a.update(3)).toBe('1 person joined');
});
