/** The keyboard controls of `npm run watch`, on the speed ladder and seek step of client/playback.ts. */
import { KEYS_HELP, keyCommand, splitKeys } from '../../../scripts/watch/keys';

describe('interactive controls', () => {
  const view = { status: 'playing' as const, speed: 4, positionMs: 60_000, durationMs: 14_320_000 };

  test('keys map to protocol actions', () => {
    expect(keyCommand(' ', view)).toEqual({ action: 'pause' });
    expect(keyCommand(' ', { ...view, status: 'paused' })).toEqual({ action: 'resume' });
    expect(keyCommand('+', view)).toEqual({ action: 'speed', speed: 8 });
    expect(keyCommand('-', view)).toEqual({ action: 'speed', speed: 2 });
    expect(keyCommand('+', { ...view, speed: 64 })).toBeUndefined();
    expect(keyCommand('\u001b[C', view)).toEqual({ action: 'seek', toMs: 90_000 });
    expect(keyCommand('\u001b[D', view)).toEqual({ action: 'seek', toMs: 30_000 });
    expect(keyCommand('\u001b[D', { ...view, positionMs: 10_000 })).toEqual({ action: 'seek', toMs: 0 });
    expect(keyCommand('\u001b[C', { ...view, positionMs: 14_310_000 })).toEqual({ action: 'seek', toMs: 14_320_000 });
    expect(keyCommand('q', view)).toEqual({ action: 'quit' });
    expect(keyCommand('\u0003', view)).toEqual({ action: 'quit' });
    expect(keyCommand('x', view)).toBeUndefined();
  });

  test('n / p seek to the next / previous marker; none that way is nothing', () => {
    const markers = [{ t: 10_000 }, { t: 50_000 }, { t: 62_000 }];
    const at = (positionMs: number) => ({ status: 'playing' as const, speed: 4, positionMs, durationMs: 100_000, markers });
    expect(keyCommand('n', at(50_000))).toEqual({ action: 'seek', toMs: 62_000 });
    expect(keyCommand('p', at(60_000))).toEqual({ action: 'seek', toMs: 50_000 });
    expect(keyCommand('p', at(51_000))).toEqual({ action: 'seek', toMs: 10_000 }); // just passed: the one before
    expect(keyCommand('n', at(62_000))).toBeUndefined();
    expect(keyCommand('p', at(5_000))).toBeUndefined();
    expect(keyCommand('n', { ...at(0), markers: undefined })).toBeUndefined();
  });

  test('a chunk of TTY input splits into keys, arrow escape sequences whole', () => {
    expect(splitKeys(' +\u001b[C\u001bODq')).toEqual([' ', '+', '\u001b[C', '\u001bOD', 'q']);
    expect(splitKeys('')).toEqual([]);
  });

  test('the keys line names the shared seek step', () => {
    expect(KEYS_HELP).toBe('space pause/resume · + / - speed · ← / → seek 30 s · n / p next/previous moment · q quit');
  });
});
