/**
 * Cricket scorecard notation shared by every client (the browser's scorecard, the terminal
 * client's ball-by-ball lines): short player names, team abbreviations, dismissals. Pure;
 * names come from cricsheet recordings (lambda/core/convert/cricket.ts). Control characters
 * are replaced by spaces, so a name never moves a terminal's cursor.
 */

/** `text` with control characters (C0, DEL, C1) replaced by single spaces. */
export function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** A player's scorecard name: cricsheet's initials dropped ("JJ Bumrah" → "Bumrah", "F du Plessis" → "du Plessis"); full names kept. */
export function shortPlayer(name: string): string {
  const parts = withoutControls(name).trim().split(/\s+/);
  return parts.length > 1 && /^[A-Z]{1,3}$/.test(parts[0]!) ? parts.slice(1).join(' ') : parts.join(' ');
}

/**
 * A team's abbreviation for score bugs: initials of a multi-word name ("Mumbai Indians" →
 * "MI", "Kings XI Punjab" → "KXIP"), the first three letters of a one-word name ("Uganda" →
 * "UGA"); a trailing "Women" becomes " W" ("Uganda Women" → "UGA W"). "?" for a blank name.
 */
export function teamShort(name: string): string {
  let words = withoutControls(name).trim().split(/\s+/).filter(Boolean);
  let suffix = '';
  if (words.length > 1 && /^women$/i.test(words[words.length - 1]!)) {
    words = words.slice(0, -1);
    suffix = ' W';
  }
  if (words.length === 0) return '?';
  const abbr = words.length === 1 ? words[0]!.slice(0, 3).toUpperCase() : words.map((w) => (/^[A-Z]{2,}$/.test(w) ? w : w[0]!.toUpperCase())).join('');
  return abbr + suffix;
}

/**
 * Scorecard notation of a dismissal from cricsheet's `kind`, `fielders` and `bowler`:
 * "c Dhoni b Thakur", "c & b Pandya", "b Bumrah", "lbw b Malinga", "st Dhoni b Tahir",
 * "hit wicket b …", "run out (Kishan)"; any other kind as it is ("retired hurt"). A missing
 * fielder or bowler reads "?".
 */
export function dismissalText(w: { readonly kind: string; readonly fielders: readonly string[]; readonly bowler?: string }): string {
  const b = w.bowler ? shortPlayer(w.bowler) : '?';
  const f = w.fielders.map(shortPlayer).join('/');
  switch (w.kind) {
    case 'caught':
      return `c ${f || '?'} b ${b}`;
    case 'caught and bowled':
      return `c & b ${b}`;
    case 'bowled':
      return `b ${b}`;
    case 'lbw':
      return `lbw b ${b}`;
    case 'stumped':
      return `st ${f || '?'} b ${b}`;
    case 'hit wicket':
      return `hit wicket b ${b}`;
    case 'run out':
      return f ? `run out (${f})` : 'run out';
    default:
      return withoutControls(w.kind);
  }
}

/** What {@link ballOutcome} reads of a delivery (the converter's `ball` frame data). */
export interface DeliveryOutcome {
  readonly runs: { readonly batter: number; readonly total: number };
  readonly extras: Partial<Record<'wides' | 'noballs' | 'byes' | 'legbyes', number>>;
  readonly boundary: 4 | 6 | null;
  readonly wickets: { readonly length: number };
}

/** What happened off a delivery: "no run", "2 runs", "FOUR", "SIX", "wide", "3 wides", "no ball + 1", "2 leg byes", "OUT", "OUT (1 run)". */
export function ballOutcome(b: DeliveryOutcome): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const ex = b.extras;
  let s: string;
  if (ex.wides) s = ex.wides > 1 ? plural(ex.wides, 'wide') : 'wide';
  else if (ex.noballs) s = b.runs.batter > 0 ? `no ball + ${b.boundary === 4 ? 'FOUR' : b.boundary === 6 ? 'SIX' : b.runs.batter}` : 'no ball';
  else if (ex.legbyes) s = plural(ex.legbyes, 'leg bye');
  else if (ex.byes) s = plural(ex.byes, 'bye');
  else if (b.boundary === 6) s = 'SIX';
  else if (b.boundary === 4) s = 'FOUR';
  else s = b.runs.total === 0 ? 'no run' : plural(b.runs.total, 'run');
  if (b.wickets.length > 0) s = s === 'no run' ? 'OUT' : `OUT (${s})`;
  return s;
}
