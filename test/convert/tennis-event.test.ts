import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { convertFiles } from '../../convert';
import { csvText } from '../../convert/csv';
import { matchEvent, matchWinner, roundName, setsDecided, type TennisMatchInfo } from '../../convert/tennis';
import { catalogEventOf, type CatalogEvent } from '../../protocol/server';

const dir = join(__dirname, '../../samples/tennis/full-event');
const files = ['2012-frenchopen-points.csv.gz', '2012-frenchopen-matches.csv'].map((n) => ({ name: `full-event/${n}`, content: readFileSync(join(dir, n)) }));

describe('a whole event: the 2012 French Open', () => {
  // Converted once: 31,184 rows of points.
  const recordings = convertFiles(files);
  const events = new Map(recordings.map((r) => [r.header.gameId, r.header.meta.event as CatalogEvent]));
  const players = new Map(recordings.map((r) => [r.header.gameId, r.header.participants]));

  it('converts to 172 games, every point of the file, each with its event, draw, round and place', () => {
    expect(recordings).toHaveLength(172);
    const rows = recordings.reduce((n, r) => n + r.header.frameCount + Number(r.header.meta.skippedRows ?? 0), 0);
    expect(rows).toBe(31_184);
    for (const r of recordings) expect(catalogEventOf(r.header.meta.event)).toEqual(r.header.meta.event);
    expect(events.get('2012-frenchopen-1701')).toEqual({ id: '2012-frenchopen', name: '2012 French Open', draw: "men's singles", roundNo: 7, rounds: 7, round: 'Final', place: 1, winner: 2 });
    expect(players.get('2012-frenchopen-1701')).toEqual(['Novak Djokovic', 'Rafael Nadal']);
    const count = (draw: string, roundNo: number) => [...events.values()].filter((e) => e.draw === draw && e.roundNo === roundNo).length;
    // Only the matches with points are published: 29 of the 64 men's first-round matches.
    expect([1, 2, 3, 4, 5, 6, 7].map((r) => count("men's singles", r))).toEqual([29, 28, 16, 7, 4, 2, 1]);
    expect([1, 2, 3, 4, 5, 6, 7].map((r) => count("women's singles", r))).toEqual([28, 27, 16, 8, 3, 2, 1]);
    expect([...events.values()].map((e) => e.round).filter((r, i, a) => a.indexOf(r) === i)).toEqual(['Round 1', 'Round 2', 'Round 3', 'Round 4', 'Quarter-final', 'Semi-final', 'Final']);
  });

  it('forms a consistent bracket: each match of round N + 1 is between winners of round N, where the data has both', () => {
    const at = new Map([...events].map(([id, e]) => [`${e.draw}/${e.roundNo}/${e.place}`, id]));
    let checked = 0;
    for (const [id, e] of events) {
      for (const place of [2 * e.place - 1, 2 * e.place]) {
        const from = at.get(`${e.draw}/${e.roundNo - 1}/${place}`);
        const w = from ? events.get(from)!.winner : undefined;
        if (!from || !w) continue;
        expect([id, players.get(id)]).toEqual([id, expect.arrayContaining([players.get(from)![w - 1]])]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    // Seven matches' points stop before a player won enough sets (a retirement, truncated records): no winner.
    expect([...events].filter(([, e]) => !e.winner).map(([id]) => id.slice(-4))).toEqual(['1104', '1122', '1124', '1129', '2102', '2111', '2118']);
  });
});

describe('event rules', () => {
  const info = (matchNum: string): TennisMatchInfo => ({ matchId: `2013-usopen-${matchNum}`, player1: 'A', player2: 'B', year: '2013', slam: 'usopen', matchNum });

  it('names rounds from the end of a draw of 128', () => {
    expect([1, 4, 5, 6, 7].map((r) => roundName(r, 7))).toEqual(['Round 1', 'Round 4', 'Quarter-final', 'Semi-final', 'Final']);
    expect(matchEvent(info('2312'))).toMatchObject({ id: '2013-usopen', name: '2013 US Open', draw: "women's singles", roundNo: 3, round: 'Round 3', place: 12 });
    expect(matchEvent(info('3101'))).toBeUndefined();
    expect(matchEvent(info('1801'))).toBeUndefined();
    expect(matchEvent({ ...info('1101'), year: undefined })).toBeUndefined();
  });

  it('a winner needs a majority of the sets: three of five (men), two of three (women)', () => {
    expect(setsDecided([[6, 4], [6, 7], [7, 6], [5, 3]])).toEqual([2, 1]);
    expect(setsDecided([[7, 5], [1, 0], [3, 6]])).toEqual([1, 1]);
    expect(matchWinner(info('1101'), [3, 1])).toBe(1);
    expect(matchWinner(info('1101'), [2, 1])).toBeUndefined();
    expect(matchWinner(info('2101'), [0, 2])).toBe(2);
    expect(matchWinner(info('2101'), [1, 0])).toBeUndefined();
  });

  it('reads a gzipped CSV, and names a damaged one', () => {
    expect(csvText(gzipSync('a,b\n1,2\n'))).toBe('a,b\n1,2\n');
    expect(csvText(Buffer.from('a,b\n'))).toBe('a,b\n');
    expect(() => csvText(gzipSync('a,b\n1,2\n').subarray(0, 12))).toThrow(/not a readable gzip file/);
  });
});
