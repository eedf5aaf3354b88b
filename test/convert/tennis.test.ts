import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertFiles } from '../../convert';
import { convertTennisPoints, matchTitle, parseMatchesCsv, type TennisPointData } from '../../convert/tennis';
import { parseCsv } from '../../convert/csv';
import { indexRecording, serializeRecording } from '../../protocol/recording';

const root = join(__dirname, '../..');
const read = (p: string) => readFileSync(join(root, p));
const event = (dir: string, name: string) => convertFiles([`${name}-points.csv`, `${name}-matches.csv`].map((n) => ({ name: n, content: read(`${dir}/${n}`) })));
const data = (f: { data: unknown }) => f.data as TennisPointData;

describe('tennis point-by-point converter on the real finals', () => {
  it.each([
    ['2011-usopen', '2011-usopen-2701', "US Open 2011 women's final: Serena Williams v Samantha Stosur", 102, 4_388_000, [0, 2]],
    ['2012-ausopen', '2012-ausopen-1701', "Australian Open 2012 men's final: Novak Djokovic v Rafael Nadal", 369, 20_638_000, [3, 2]],
    ['2012-wimbledon', '2012-wimbledon-1701', "Wimbledon 2012 men's final: Roger Federer v Andy Murray", 288, 14_320_000, [3, 1]],
    ['2013-wimbledon', '2013-wimbledon-2701', "Wimbledon 2013 women's final: Sabine Lisicki v Marion Bartoli", 123, 4_885_000, [0, 2]],
  ])('%s: one valid recording with the real result', (name, gameId, title, points, durationMs, sets) => {
    const [r, ...rest] = event('samples/tennis', name);
    expect(rest).toEqual([]);
    expect(r!.header).toMatchObject({ gameId, title, kind: 'tennis', frameCount: points, durationMs });
    expect(r!.header.meta.source).toMatch(/Sackmann.*CC BY-NC-SA 4\.0/);
    const last = data(r!.frames.at(-1)!);
    expect(last.setsWon).toEqual(sets);
    expect(last.setWinner).toBe(sets[0]! > sets[1]! ? 1 : 2);
    // Valid matchcast/1: serializes, validates and indexes.
    expect(indexRecording(serializeRecording(r!.header, r!.frames)).index.frameCount).toBe(points);
  });

  it('reads the score as it stands after each point', () => {
    const [r] = event('samples/tennis', '2012-wimbledon');
    const f = r!.frames.map(data);
    expect(f[0]).toMatchObject({ set: 1, games: [0, 0], points: ['0', '15'], server: 1, winner: 2, serveSpeedKmh: 151 });
    // Point 6 ends game 1: the new game count and 0-0.
    expect(f[5]).toMatchObject({ games: [0, 1], points: ['0', '0'], gameWinner: 2, breakPoint: true });
    expect(f.some((p) => p.points.includes('AD'))).toBe(true);
  });

  it('marks tie-breaks, whose points count 0, 1, 2, …', () => {
    const all = event('samples/tennis', '2012-ausopen')[0]!.frames.map(data);
    const tb = all.filter((p) => p.tiebreak);
    expect(tb.length).toBeGreaterThan(5);
    expect(tb.every((p) => p.games[0]! + p.games[1]! >= 12)).toBe(true);
    expect(tb.some((p) => p.points[0] === '1' || p.points[1] === '1')).toBe(true);
  });

  it('leaves out what the source does not have (no rally counts at Wimbledon 2012)', () => {
    const f = event('samples/tennis', '2012-wimbledon')[0]!.frames.map(data);
    expect(f.every((p) => p.rally === undefined)).toBe(true);
    const us = event('samples/tennis', '2011-usopen')[0]!.frames.map(data);
    expect(us.some((p) => typeof p.rally === 'number')).toBe(true);
  });

  it('skips the 2011 PointNumber 0 rows', () => {
    const rows = parseCsv(read('samples/tennis/2011-usopen-points.csv').toString()).slice(1).filter((r) => r.length > 1);
    expect(rows.length).toBe(103);
    expect(event('samples/tennis', '2011-usopen')[0]!.frames.length).toBe(102);
  });

  it('converts every match of the full 2012 French Open event', () => {
    const recs = event('test/fixtures/tennis', '2012-frenchopen');
    expect(recs).toHaveLength(172);
    let decided = 0;
    for (const r of recs) {
      expect(() => serializeRecording(r.header, r.frames)).not.toThrow();
      const sets = r.frames.map((f) => data(f).setsWon);
      sets.forEach((s, i) => i > 0 && expect(s[0]! + s[1]!).toBeGreaterThanOrEqual(sets[i - 1]![0]! + sets[i - 1]![1]!));
      const bestOf = String(r.header.meta.matchNum).startsWith('1') ? 3 : 2; // men best of five, women best of three
      if (Math.max(...sets.at(-1)!) === bestOf) decided++;
    }
    // Aces are tracked in this event: a match without one (1224) says ace: false, not nothing.
    expect(recs.find((r) => r.header.gameId === '2012-frenchopen-1224')!.frames.every((f) => data(f).ace === false)).toBe(true);
    // A few published matches stop early (retirements, gaps in the source).
    expect(decided).toBeGreaterThan(150);
    // Times that went backwards in the source are held, and counted.
    expect(recs.reduce((n, r) => n + Number(r.header.meta.timeFixups ?? 0), 0)).toBeGreaterThan(0);
  });
});

describe('quirks, on small inline files', () => {
  const matches = parseMatchesCsv('match_id,year,slam,match_num,player1,player2\nx-1,2020,usopen,1701,A B,C D\n');
  const head = 'match_id,ElapsedTime,SetNo,P1GamesWon,P2GamesWon,SetWinner,GameNo,GameWinner,PointNumber,PointWinner,PointServer,P1Score,P2Score';

  it('names the event and round from match_num', () => {
    expect(matchTitle(matches.get('x-1')!)).toBe("US Open 2020 men's final: A B v C D");
  });

  it('keeps two points sharing one ElapsedTime, and holds a time that goes backwards', () => {
    const csv = `${head}\nx-1,0:00:10,1,0,0,0,1,0,1,1,1,15,0\nx-1,0:00:10,1,0,0,0,1,0,2,1,1,30,0\nx-1,0:00:05,1,0,0,0,1,0,3,1,1,40,0\n`;
    const [r] = convertTennisPoints(csv, matches);
    expect(r!.frames.map((f) => f.t)).toEqual([10_000, 10_000, 10_000]);
    expect(r!.header.meta.timeFixups).toBe(1);
  });

  it('refuses a bad time or an unknown match, naming the line', () => {
    expect(() => convertTennisPoints(`${head}\nx-1,ten,1,0,0,0,1,0,1,1,1,15,0\n`, matches)).toThrow(/line 2: ElapsedTime "ten"/);
    expect(() => convertTennisPoints(`${head}\ny-9,0:00:01,1,0,0,0,1,0,1,1,1,15,0\n`, matches)).toThrow(/line 2: match y-9 is not in the matches CSV/);
  });

  it('refuses a row with fewer or more columns than the header, naming its line, rather than reading a point', () => {
    const good = 'x-1,0:00:01,1,0,0,0,1,0,1,1,1,15,0';
    expect(() => convertTennisPoints(`${head}\n${good}\nx-1,0:00:09,1,0,0\n`, matches)).toThrow(/^line 3: row has 5 column\(s\), the header has 13/);
    expect(() => convertTennisPoints(`${head}\n${good},7\n`, matches)).toThrow(/^line 2: row has 14 column\(s\), the header has 13/);
    expect(() => parseMatchesCsv('match_id,player1,player2\nx-1,A B\n')).toThrow(/^line 2: row has 2 column\(s\), the header has 3/);
  });

  it('refuses a real points CSV cut off in the middle of a row', () => {
    const full = read('samples/tennis/2013-wimbledon-points.csv').toString('utf8');
    const cut = full.slice(0, full.indexOf('\n', full.length / 2) + 20);
    const line = cut.split('\n').length;
    expect(() =>
      convertFiles([
        { name: '2013-wimbledon-points.csv', content: cut },
        { name: '2013-wimbledon-matches.csv', content: read('samples/tennis/2013-wimbledon-matches.csv') },
      ]),
    ).toThrow(new RegExp(`^2013-wimbledon-points\\.csv: line ${line}: row has \\d+ column\\(s\\), the header has \\d+`));
  });

  it('keeps only the requested matchIds, and names one that is not in the file', () => {
    const two = parseMatchesCsv('match_id,year,slam,match_num,player1,player2\nx-1,2020,usopen,1701,A B,C D\nx-2,2020,usopen,2701,E F,G H\n');
    const csv = `${head}\nx-1,0:00:01,1,0,0,0,1,0,1,1,1,15,0\nx-2,0:00:02,1,0,0,0,1,0,1,2,1,0,15\n`;
    expect(convertTennisPoints(csv, two).map((r) => r.header.gameId)).toEqual(['x-1', 'x-2']);
    expect(convertTennisPoints(csv, two, { matchIds: ['x-2'] }).map((r) => r.header.title)).toEqual(["US Open 2020 women's final: E F v G H"]);
    expect(() => convertTennisPoints(csv, two, { matchIds: ['x-3'] })).toThrow(/no points for match x-3/);
  });

  it('marks a tie-break from its 0, 1, 2 … scores, through the point that ends it', () => {
    const rows = [
      // set 1 at 6-6: game 13 is the tie-break; its last point shows 7-6 and 0-0.
      'x-1,0:10:00,1,6,6,0,13,0,1,1,1,1,0',
      'x-1,0:10:30,1,6,6,0,13,0,2,1,2,2,0',
      'x-1,0:11:00,1,7,6,1,13,1,3,1,2,0,0',
      'x-1,0:12:00,2,0,0,0,1,0,4,1,1,15,0',
    ];
    const [r] = convertTennisPoints(`${head}\n${rows.join('\n')}\n`, matches);
    const d = r!.frames.map((f) => f.data as TennisPointData);
    expect(d.map((p) => p.tiebreak)).toEqual([true, true, true, false]);
    expect(d[2]).toMatchObject({ games: [7, 6], setWinner: 1, gameWinner: 1, setsWon: [1, 0] });
    expect(d[3]).toMatchObject({ set: 2, games: [0, 0], points: ['15', '0'], setsWon: [1, 0] });
  });

  it('omits columns the source leaves empty or zero for the whole match, keeps them where it has them', () => {
    const h2 = `${head},Speed_KMH,Rally,P1Ace,P2Ace,P1DoubleFault,P2DoubleFault`;
    const empty = convertTennisPoints(`${h2}\nx-1,0:00:01,1,0,0,0,1,0,1,1,1,15,0,0,,0,0,0,0\n`, matches)[0]!.frames[0]!.data as TennisPointData;
    for (const k of ['serveSpeedKmh', 'rally', 'ace', 'doubleFault', 'cleanWinner', 'unforcedError', 'breakPoint'] as const) expect(empty).not.toHaveProperty(k);
    // The event tracks double faults (one in another match): a point without one says false; no speed reading (0) says nothing.
    const two = parseMatchesCsv('match_id,player1,player2\nx-1,A,B\nx-2,C,D\n');
    const [a, b] = convertTennisPoints(`${h2}\nx-1,0:00:01,1,0,0,0,1,0,1,1,1,15,0,201,3,1,0,0,0\nx-2,0:00:01,1,0,0,0,1,0,1,1,1,15,0,0,,0,0,0,1\n`, two);
    expect(a!.frames[0]!.data).toMatchObject({ serveSpeedKmh: 201, rally: 3, ace: true, doubleFault: false, server: 1, winner: 1 });
    expect(b!.frames[0]!.data).toMatchObject({ ace: false, doubleFault: true });
    expect(b!.frames[0]!.data).not.toHaveProperty('serveSpeedKmh');
  });

  it('skips PointNumber 0 rows and rows without a score, counting them', () => {
    const csv = `${head}\nx-1,0:00:00,1,0,0,0,1,0,0,0,0,0,0\nx-1,0:00:05,,,,,,,1,,,,\nx-1,0:00:09,1,0,0,0,1,0,2,2,1,0,15\n`;
    const [r] = convertTennisPoints(csv, matches);
    expect(r!.frames).toHaveLength(1);
    expect(r!.frames[0]).toMatchObject({ seq: 0, t: 9_000 });
    expect(r!.header.meta.skippedRows).toBe(2);
  });

  it('reads every column of the matches CSV, quoted fields included', () => {
    const csv = 'match_id,year,slam,match_num,player1,player2,status,winner,event_name,round,court_name\n' + 'z-1,2011,usopen,2101,"Li, Na","O\'Brien ""Jo""",Complete,1,event_WS,R128,"Court 17"\n';
    const m = parseMatchesCsv(csv).get('z-1')!;
    expect(m).toEqual({ matchId: 'z-1', year: '2011', slam: 'usopen', matchNum: '2101', player1: 'Li, Na', player2: 'O\'Brien "Jo"', status: 'Complete', winner: '1', eventName: 'event_WS', round: 'R128', court: 'Court 17' });
    expect(matchTitle(m)).toBe('US Open 2011 women\'s first round: Li, Na v O\'Brien "Jo"');
    expect(() => parseMatchesCsv('id,a,b\n1,2,3\n')).toThrow(/line 1: matches CSV needs match_id, player1 and player2/);
  });

  it('puts slam, year, draw, round and the attribution in meta', () => {
    const [r] = event('samples/tennis', '2011-usopen');
    expect(r!.header.meta).toMatchObject({ slam: 'usopen', year: 2011, draw: "women's singles", round: 'final', court: 'Arthur Ashe Stadium' });
    expect(r!.header.participants).toEqual(['Serena Williams', 'Samantha Stosur']);
  });

  it('asks for the matches CSV when it is missing', () => {
    expect(() => convertFiles([{ name: 'a/2020-usopen-points.csv', content: head }])).toThrow(/needs 2020-usopen-matches\.csv/);
  });
});
