import { keyIntent } from '../../web/src/views/player/transport';

/** A keydown as the player view sees it (only the fields keyIntent reads). */
const key = (k: string, over: Partial<{ code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; target: unknown }> = {}) =>
  ({ key: k, code: '', altKey: false, ctrlKey: false, metaKey: false, target: { tagName: 'BODY', isContentEditable: false }, ...over }) as unknown as KeyboardEvent;

describe('player keys', () => {
  it('space pauses/resumes, arrows seek a step, + / - step the speed', () => {
    expect(keyIntent(key(' '))).toEqual({ kind: 'toggle' });
    expect(keyIntent(key('ArrowLeft'))).toEqual({ kind: 'seek', dir: -1 });
    expect(keyIntent(key('ArrowRight'))).toEqual({ kind: 'seek', dir: 1 });
    expect(keyIntent(key('+'))).toEqual({ kind: 'speed', dir: 1 });
    expect(keyIntent(key('='))).toEqual({ kind: 'speed', dir: 1 });
    expect(keyIntent(key('-'))).toEqual({ kind: 'speed', dir: -1 });
    expect(keyIntent(key('x'))).toBeUndefined();
  });
  it('number keys seek to a tenth of the match each; [ and ] step to the previous / next marker', () => {
    expect(keyIntent(key('0'))).toEqual({ kind: 'digit', key: '0' });
    expect(keyIntent(key('5'))).toEqual({ kind: 'digit', key: '5' });
    expect(keyIntent(key('['))).toEqual({ kind: 'marker', dir: -1 });
    expect(keyIntent(key(']'))).toEqual({ kind: 'marker', dir: 1 });
    expect(keyIntent(key('5', { target: { tagName: 'INPUT', isContentEditable: false } }))).toBeUndefined(); // typing in the chat
    expect(keyIntent(key('5', { ctrlKey: true }))).toBeUndefined(); // the browser's tab switch
  });
  it('leaves modified keys, text fields and space on a focused button alone', () => {
    expect(keyIntent(key('ArrowLeft', { ctrlKey: true }))).toBeUndefined();
    expect(keyIntent(key('+', { target: { tagName: 'INPUT', isContentEditable: false } }))).toBeUndefined();
    expect(keyIntent(key(' ', { target: { tagName: 'BUTTON', isContentEditable: false } }))).toBeUndefined();
    expect(keyIntent(key('ArrowRight', { target: { tagName: 'BUTTON', isContentEditable: false } }))).toEqual({ kind: 'seek', dir: 1 });
  });
});
