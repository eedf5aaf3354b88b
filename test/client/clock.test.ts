import { ServerClock } from '../../client/clock';
import { clockOffsetMs } from '../../client/countdown';

describe('clockOffsetMs (one round trip)', () => {
  it('takes the midpoint of the round trip as the moment of pong.at', () => {
    expect(clockOffsetMs(10_000, 10_100, 3_610_050)).toBe(3_600_000);
    expect(clockOffsetMs(10_000, 10_000, 9_000)).toBe(-1_000);
  });
});

describe('ServerClock (pong.at)', () => {
  it('is the local clock before any sample', () => {
    const c = new ServerClock();
    expect(c.offsetMs).toBe(0);
    expect(c.now(1_000)).toBe(1_000);
  });
  it('takes the midpoint of a round trip as the moment of pong.at', () => {
    const c = new ServerClock();
    c.sample(10_000, 10_100, 3_610_050); // server is one hour ahead
    expect(c.offsetMs).toBe(3_600_000);
    expect(c.now(20_000)).toBe(3_620_000);
  });
  it('trusts the shortest round trip among the recent samples, and ignores nonsense', () => {
    const c = new ServerClock();
    c.sample(0, 2_000, 5_000); // slow: offset 4000 ± 1000
    c.sample(10_000, 10_020, 14_510); // fast: offset 4500 ± 10
    c.sample(20_000, 21_000, 24_000); // slow again
    expect(c.offsetMs).toBe(4_500);
    c.sample(5, 1, 9_999_999); // negative round trip
    c.sample(Number.NaN, 1, 2);
    expect(c.offsetMs).toBe(4_500);
    for (let i = 0; i < ServerClock.KEEP; i++) c.sample(i * 1000, i * 1000 + 500, i * 1000 + 250 - 40); // the fast one ages out
    expect(c.offsetMs).toBe(-40);
  });
  it('bounds its error by half the round trip of the sample it trusts', () => {
    const c = new ServerClock();
    expect(c.uncertaintyMs).toBe(Infinity);
    c.sample(0, 2_000, 5_000);
    expect(c.uncertaintyMs).toBe(1_000);
    c.sample(10_000, 10_020, 14_510);
    expect(c.uncertaintyMs).toBe(10);
  });
});
