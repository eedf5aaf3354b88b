/**
 * Every kind over every sample recording (samples/**, converted with convert/): the frame
 * schema accepts every frame; the snapshot from keyframes equals the state folded from
 * frame 0 (deep equality of the snapshot JSON) at many seqs; snapshots stay ≤ 64 KB; markers
 * ≤ 2,000, sorted by seq; reduce never mutates its input.
 */
import { convertJsonl } from '../../convert/jsonl';
import type { ConvertedRecording } from '../../convert';
import {
  KINDS,
  MAX_MARKERS,
  MAX_SNAPSHOT_BYTES,
  type AnyGameKind,
  buildKeyframes,
  jsonBytes,
  kindOf,
  keyframeFor,
  keyframesBytes,
  snapshotAt,
} from '../../kinds';
import { sampleRecordings } from './samples';

jest.setTimeout(300_000);

const recordings = sampleRecordings();

/** A generic JSONL log (no sample ships one): 300 events, some large, a few markers. */
function genericRecording(): ConvertedRecording {
  const lines = Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({ t: i * 500, type: i % 50 === 0 ? 'marker' : `ev${i % 7}`, label: `step ${i}`, blob: 'x'.repeat(i % 10 === 0 ? 9000 : 20) }),
  );
  return convertJsonl(lines.join('\n'), { fileName: 'engine-log.jsonl' });
}

const all: ConvertedRecording[] = [...recordings, genericRecording()];

function kindFor(r: ConvertedRecording): AnyGameKind {
  const k = kindOf(r.header.kind);
  if (!k) throw new Error(`no kind ${r.header.kind}`);
  return k;
}

/** The seqs checked: every one for a small recording, ~60 spread (and the ends) for terminals. */
function seqsOf(r: ConvertedRecording): number[] {
  const n = r.frames.length;
  if (r.header.kind !== 'terminal') return Array.from({ length: n + 1 }, (_, i) => i);
  const step = Math.max(1, Math.floor(n / 60));
  const out = new Set<number>([0, 1, n - 1, n]);
  for (let s = 0; s <= n; s += step) out.add(s);
  return [...out].filter((s) => s >= 0 && s <= n).sort((a, b) => a - b);
}

test('the registry has one kind per name, and a kind for every sample', () => {
  const names = KINDS.map((k) => k.kind);
  expect(new Set(names).size).toBe(names.length);
  expect(names).toEqual(expect.arrayContaining(['tennis', 'cricket', 'terminal', 'chess', 'generic']));
  for (const r of all) expect(kindOf(r.header.kind)).toBeDefined();
  expect(new Set(all.map((r) => r.header.kind))).toEqual(new Set(names));
});

describe.each(all.map((r) => [r.header.gameId, r] as const))('%s', (_id, rec) => {
  const kind = kindFor(rec);

  test('the frame schema accepts every frame', () => {
    for (const f of rec.frames) {
      const res = kind.frameSchema.safeParse(f);
      if (!res.success) throw new Error(`seq ${f.seq} (${f.type}): ${res.error.message}`);
    }
  });

  test('snapshotAt(keyframes) equals the state folded from frame 0; snapshots ≤ 64 KB', async () => {
    const kf = await buildKeyframes(kind, rec.header, rec.frames);
    const seqs = seqsOf(rec);
    // Reference: one fold from frame 0 to each checked seq, continuing from the last one.
    let state = kind.initialState(rec.header);
    let at = 0;
    for (const seq of seqs) {
      if (kind.fold) state = await kind.fold(state, rec.frames.slice(at, seq));
      else for (const f of rec.frames.slice(at, seq)) state = await kind.reduce(state, f);
      at = seq;
      const want = kind.snapshot(state);
      const k = keyframeFor(kf, seq);
      const got = await snapshotAt(kind, kf, rec.frames.slice(k.seq), seq);
      expect(got.seq).toBe(seq);
      expect(got.state).toEqual(want);
      expect(jsonBytes(got.state)).toBeLessThanOrEqual(MAX_SNAPSHOT_BYTES);
    }
    // The keyframes stay small (they are stored beside the index).
    expect(keyframesBytes(kf)).toBeLessThan(kf.keyframes.length * MAX_SNAPSHOT_BYTES);
  });

  test('markers: at most 2,000, sorted by seq, each on its frame', () => {
    const ms = kind.markers(rec.frames, rec.header);
    expect(ms.length).toBeLessThanOrEqual(MAX_MARKERS);
    for (let i = 1; i < ms.length; i++) expect(ms[i]!.seq).toBeGreaterThanOrEqual(ms[i - 1]!.seq);
    for (const m of ms) {
      expect(rec.frames[m.seq]?.t).toBe(m.t);
      expect(typeof m.label).toBe('string');
      expect(m.label.length).toBeGreaterThan(0);
      expect(typeof m.kind).toBe('string');
    }
  });

  test('reduce does not mutate its input', async () => {
    const frames = kind.kind === 'terminal' ? rec.frames.slice(0, 40) : rec.frames;
    let state = kind.initialState(rec.header);
    for (const f of frames) {
      const before = structuredClone(state);
      const frameBefore = structuredClone(f);
      const next = await kind.reduce(state, f);
      expect(state).toEqual(before);
      expect(f).toEqual(frameBefore);
      state = next;
    }
  });
});

test('the markers of the samples are what a viewer jumps to', () => {
  const kindsOf = (id: string) => {
    const r = all.find((x) => x.header.gameId === id)!;
    return new Set(kindFor(r).markers(r.frames, r.header).map((m) => m.kind));
  };
  expect(kindsOf('2012-wimbledon-1701')).toEqual(new Set(['game', 'break', 'set', 'matchpoint', 'match']));
  expect([...kindsOf('ipl-2019-final-1181768')]).toEqual(expect.arrayContaining(['over', 'wicket', 'boundary', 'innings', 'result']));
  expect([...kindsOf('lichess-swlhTnEl-classical')]).toEqual(expect.arrayContaining(['check', 'capture', 'result']));
  expect(kindsOf('engine-log')).toEqual(new Set(['marker']));
});
