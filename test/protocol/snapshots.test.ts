/**
 * Protocol 1.1's snapshot and marker shapes: the zod schemas clients validate with accept
 * what the server builds (core/control.ts `joinedMessage`, protocol/server.ts
 * `joinedWithMarkers`, `stateMessage` after a seek) and refuse what breaks the rules
 * (a state over 64 KB, a negative seq, too many markers).
 */
import { joinedMessage, stateMessage } from '../../lambda/core/control';
import { joinedSnapshotFieldsSchema, markersMessageSchema, MAX_MARKERS, MAX_SNAPSHOT_BYTES, stateSnapshotFieldsSchema, wireSnapshotSchema, joinedWithMarkers, type WireMarker } from '../../protocol/messages';
import { streamRowFixture } from '../support/aws-local';

const row = streamRowFixture('spectate:g1', { positionSeq: 40 });
const snapshot = { seq: 40, state: { sets: [[6, 4]], points: ['15', '0'] } };

test("joined carries leadMs 0, markers and the snapshot; the schemas accept it", () => {
  const joined = joinedMessage(row, 'spectator', 0, { snapshot });
  expect(joined).toMatchObject({ leadMs: 0, markers: [], snapshot, positionSeq: 40 });
  expect(joinedMessage(row, 'spectator', 0)).not.toHaveProperty('snapshot');
  expect(joinedSnapshotFieldsSchema.parse(joined)).toMatchObject({ leadMs: 0, markers: [], snapshot });
  // A 1.0 joined (no new fields) reads as "no snapshot, no markers, no lead".
  expect(joinedSnapshotFieldsSchema.parse({ type: 'joined' })).toEqual({ markers: [], leadMs: 0 });
});

test('a rejoin from an older epoch says where it moved from', () => {
  expect(joinedMessage(row, 'spectator', 0, { snapshot, movedFrom: 2 })).toMatchObject({ movedFrom: 2 });
});

test("a seek's state carries the snapshot; other states none", () => {
  expect(stateSnapshotFieldsSchema.parse(stateMessage(row, 'alice', snapshot)).snapshot).toEqual(snapshot);
  expect(stateMessage(row, 'alice')).not.toHaveProperty('snapshot');
});

test('markers split across joined and markers messages validate, in order', () => {
  const markers: WireMarker[] = Array.from({ length: MAX_MARKERS }, (_, i) => ({ t: i, seq: i, label: `moment ${i} `.repeat(8), kind: 'game' }));
  const [joined, ...rest] = joinedWithMarkers(joinedMessage(row, 'spectator', 0, { snapshot }), markers);
  expect(joinedSnapshotFieldsSchema.parse(joined).markersFollow).toBe(true);
  for (const m of rest) expect(markersMessageSchema.parse(m)).toEqual(m);
  expect([...joined.markers!, ...rest.flatMap((m) => m.markers)]).toEqual(markers);
});

test('refused: a state over 64 KB, a negative seq, a marker without its kind, too many markers', () => {
  expect(wireSnapshotSchema.safeParse({ seq: 1, state: 'x'.repeat(MAX_SNAPSHOT_BYTES) }).success).toBe(false);
  expect(wireSnapshotSchema.safeParse({ seq: -1, state: {} }).success).toBe(false);
  expect(wireSnapshotSchema.safeParse({ seq: 0 }).success).toBe(false);
  expect(markersMessageSchema.safeParse({ type: 'markers', streamId: 's', markers: [{ t: 0, seq: 0, label: 'x' }] }).success).toBe(false);
  const many = Array.from({ length: MAX_MARKERS + 1 }, (_, i) => ({ t: i, seq: i, label: '', kind: 'k' }));
  expect(joinedSnapshotFieldsSchema.safeParse({ markers: many }).success).toBe(false);
});
