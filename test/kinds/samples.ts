/**
 * Every sample recording under samples/, converted with convert/ (as `npm run ingest` does),
 * for the kinds tests. Converted once per test file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { convertFiles, type ConvertedRecording } from '../../convert';

const ROOT = join(__dirname, '..', '..', 'samples');

let cache: ConvertedRecording[] | undefined;

/** All sample recordings (tennis, cricket, terminal, chess), in directory order. */
export function sampleRecordings(): ConvertedRecording[] {
  if (cache) return cache;
  const out: ConvertedRecording[] = [];
  for (const dir of readdirSync(ROOT).sort()) {
    // Files only: a folder such as tennis/full-event (a whole event, 172 matches) is not a sample final.
    const files = readdirSync(join(ROOT, dir), { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.endsWith('.md'))
      .map((f) => f.name)
      .sort()
      .map((f) => ({ name: `samples/${dir}/${f}`, content: readFileSync(join(ROOT, dir, f)) }));
    out.push(...convertFiles(files));
  }
  cache = out;
  return out;
}

/** The sample recording with this gameId. */
export function sample(gameId: string): ConvertedRecording {
  const r = sampleRecordings().find((x) => x.header.gameId === gameId);
  if (!r) throw new Error(`no sample ${gameId}`);
  return r;
}
