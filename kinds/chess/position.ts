/**
 * Pure helpers the chess fold needs, without chess.js (which only the PGN converter,
 * kinds/chess/convert.ts, uses to check legality): material from a FEN and the PGN
 * TimeControl tag. The converter uses them too.
 */

/** PGN `TimeControl` "base+increment" (seconds) → `{ baseMs, incrementMs }`; null when absent or not of that form (e.g. "-" or "?"). */
export function parseTimeControl(tc: string | undefined): { baseMs: number; incrementMs: number } | null {
  const m = tc ? /^(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?$/.exec(tc.trim()) : null;
  if (!m) return null;
  return { baseMs: Math.round(Number(m[1]) * 1000), incrementMs: Math.round(Number(m[2] ?? 0) * 1000) };
}

const MATERIAL: Record<string, number> = { p: 1, n: 3, b: 3, r: 5, q: 9, k: 0 };

/** Material on the board from a FEN (pawn 1, knight and bishop 3, rook 5, queen 9), `{ white, black }`. */
export function materialOf(fen: string): { white: number; black: number } {
  const out = { white: 0, black: 0 };
  for (const ch of fen.split(' ')[0] ?? '') {
    const v = MATERIAL[ch.toLowerCase()];
    if (v === undefined) continue;
    if (ch === ch.toUpperCase()) out.white += v;
    else out.black += v;
  }
  return out;
}
