/**
 * Fitting a terminal to its panel by its font size: the terminal keeps the recording's
 * cols × rows (a full-screen program drew for exactly that size) and the font shrinks or grows
 * until cols cells fill the panel's width. Pure (unit-tested in test/web/kinds-terminal.test.ts).
 */

/** Smallest and largest font size the terminal is drawn at, CSS px. */
export const MIN_FONT_PX = 4;
export const MAX_FONT_PX = 15;

/**
 * The font size (CSS px, in steps of 0.25) at which `cols` cells fit `availWidthPx`, given that
 * at `fontPx` the screen measured `screenWidthPx` for those `cols` (a cell's width grows in
 * proportion to the font). Clamped to {@link MIN_FONT_PX}…{@link MAX_FONT_PX}; the current size
 * when a measure is missing (0, NaN: not laid out yet).
 */
export function fitFontPx(availWidthPx: number, screenWidthPx: number, fontPx: number): number {
  if (!(availWidthPx > 0) || !(screenWidthPx > 0) || !(fontPx > 0)) return fontPx;
  const ideal = (fontPx * availWidthPx) / screenWidthPx;
  const stepped = Math.floor(ideal * 4) / 4;
  return Math.min(MAX_FONT_PX, Math.max(MIN_FONT_PX, stepped));
}

/**
 * A terminal size from a snapshot state or an `r` frame's data (`{ cols, rows }`, kinds/terminal):
 * positive integers up to 1000, else undefined.
 */
export function sizeOf(v: unknown): { cols: number; rows: number } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { cols, rows } = v as { cols?: unknown; rows?: unknown };
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1000;
  return ok(cols) && ok(rows) ? { cols, rows } : undefined;
}
