/**
 * kinds/keyframes.ts: keyframe spacing and positions, and the errors of snapshotAt.
 */
import { DEFAULT_INDEX_EVERY } from '../../protocol/recording';
import { DEFAULT_KEYFRAME_EVERY, KINDS, buildKeyframes, keyframeFor, snapshotAt, stateAt } from '../../kinds';
import { tennis } from '../../kinds/tennis';
import { sample } from './samples';

test('every kind spaces keyframes by a multiple of the index spacing', () => {
  expect(DEFAULT_KEYFRAME_EVERY % DEFAULT_INDEX_EVERY).toBe(0);
  for (const k of KINDS) expect(k.keyframeEvery % DEFAULT_INDEX_EVERY).toBe(0);
});

test('keyframes at 0, K, 2K, … and snapshotAt from any of them', async () => {
  const r = sample('2012-wimbledon-1701');
  const kf = await buildKeyframes(tennis, r.header, r.frames, 50);
  expect(kf.keyframes.map((k) => k.seq)).toEqual([0, 50, 100, 150, 200, 250]);
  expect(keyframeFor(kf, 0).seq).toBe(0);
  expect(keyframeFor(kf, 149).seq).toBe(100);
  expect(keyframeFor(kf, 288).seq).toBe(250);
  const snap = await snapshotAt(tennis, kf, r.frames.slice(250), 288);
  expect(snap).toEqual({ seq: 288, state: tennis.snapshot(await stateAt(tennis, r.header, r.frames, 288)) });
  // Frames past seq are ignored.
  expect((await snapshotAt(tennis, kf, r.frames.slice(100), 120)).state).toEqual(tennis.snapshot(await stateAt(tennis, r.header, r.frames, 120)));
});

test('snapshotAt refuses a seq out of range and frames that do not follow the keyframe', async () => {
  const r = sample('2013-wimbledon-2701');
  const kf = await buildKeyframes(tennis, r.header, r.frames);
  await expect(snapshotAt(tennis, kf, r.frames, -1)).rejects.toThrow(RangeError);
  await expect(snapshotAt(tennis, kf, r.frames, r.frames.length + 1)).rejects.toThrow(/outside 0…123/);
  await expect(snapshotAt(tennis, kf, r.frames.slice(65), 100)).rejects.toThrow(/consecutive from seq 64/);
  await expect(snapshotAt(tennis, kf, r.frames.slice(64, 70), 100)).rejects.toThrow(/needs frames 64…99/);
  await expect(buildKeyframes(tennis, r.header, r.frames.slice(1))).rejects.toThrow(/consecutive from seq 0/);
  await expect(buildKeyframes(tennis, r.header, r.frames, 0)).rejects.toThrow(/positive integer/);
});
