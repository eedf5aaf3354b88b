import { dismissalText, shortPlayer, teamShort, withoutControls } from '../../protocol/cricket-notation';

describe('cricket notation', () => {
  it('drops cricsheet initials from player names, keeps full names', () => {
    expect(shortPlayer('JJ Bumrah')).toBe('Bumrah');
    expect(shortPlayer('F du Plessis')).toBe('du Plessis');
    expect(shortPlayer('Ishan Kishan')).toBe('Ishan Kishan');
    expect(shortPlayer('JJ\u001b\u0007Bumrah')).toBe('Bumrah'); // control characters never reach a terminal
  });

  it('abbreviates teams', () => {
    expect(teamShort('Mumbai Indians')).toBe('MI');
    expect(teamShort('Chennai Super Kings')).toBe('CSK');
    expect(teamShort('Kings XI Punjab')).toBe('KXIP');
    expect(teamShort('Uganda')).toBe('UGA');
    expect(teamShort('Uganda Women')).toBe('UGA W');
    expect(teamShort('  ')).toBe('?');
  });

  it('writes dismissals in scorecard notation', () => {
    expect(dismissalText({ kind: 'caught', fielders: ['MS Dhoni'], bowler: 'SN Thakur' })).toBe('c Dhoni b Thakur');
    expect(dismissalText({ kind: 'caught', fielders: [], bowler: 'SN Thakur' })).toBe('c ? b Thakur');
    expect(dismissalText({ kind: 'caught and bowled', fielders: [], bowler: 'KH Pandya' })).toBe('c & b Pandya');
    expect(dismissalText({ kind: 'bowled', fielders: [], bowler: 'JJ Bumrah' })).toBe('b Bumrah');
    expect(dismissalText({ kind: 'lbw', fielders: [], bowler: 'SL Malinga' })).toBe('lbw b Malinga');
    expect(dismissalText({ kind: 'stumped', fielders: ['MS Dhoni'], bowler: 'Imran Tahir' })).toBe('st Dhoni b Imran Tahir');
    expect(dismissalText({ kind: 'hit wicket', fielders: [], bowler: 'DJ Bravo' })).toBe('hit wicket b Bravo');
    expect(dismissalText({ kind: 'run out', fielders: ['Ishan Kishan'] })).toBe('run out (Ishan Kishan)');
    expect(dismissalText({ kind: 'run out', fielders: [] })).toBe('run out');
    expect(dismissalText({ kind: 'retired hurt', fielders: [] })).toBe('retired hurt');
  });

  it('replaces control characters with spaces', () => {
    expect(withoutControls('a\u0000b\r\nc\u009bd')).toBe('a b c d');
  });
});
