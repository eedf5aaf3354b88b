/**
 * The 2D court: a top-down court, player 1 on the left half and player 2 on the right (the
 * recording does not say who is at which end, so ends never swap). It shows only what the
 * point's data states: who served (a ball at that baseline), who won the point (a glow on
 * that half), and the outcome — ACE / DOUBLE FAULT (server), WINNER (point winner),
 * UNFORCED ERROR (point loser) — with serve speed and rally length. No ball flight is drawn:
 * the data has no ball positions.
 */
import type { TennisPointData } from '../../../../kinds/tennis';

/** A point as the court draws it: the frame's data (kinds/tennis `TennisPointData`) and its seq. */
export type CourtPoint = TennisPointData & { readonly seq: number };

const COLORS = {
  surround: '#0d3b2a',
  court: '#1f6b45',
  alley: '#1a5d3c',
  line: 'rgba(255,255,255,0.92)',
  net: '#e8e8e8',
  p1: '#4cc3ff',
  p2: '#ff8a4c',
  ball: '#e6ff3d',
  text: '#ffffff',
  good: '#3ddc84',
  bad: '#ff5a5f',
  warn: '#ffb347',
};

/** Draws a point's outcome on a canvas. */
export class CourtCanvas {
  readonly root: HTMLCanvasElement;
  private point: CourtPoint | null = null;
  private names: [string, string] = ['Player 1', 'Player 2'];
  private flashUntil = 0;
  private raf = 0;

  constructor() {
    this.root = document.createElement('canvas');
    this.root.className = 'court';
    this.root.setAttribute('role', 'img');
    this.root.setAttribute('aria-label', 'Court: waiting for the first point');
    this.root.dataset.testid = 'court';
    const ro = new ResizeObserver(() => this.draw());
    ro.observe(this.root);
  }

  /** Short player names for the two halves. */
  setNames(names: [string, string]): void {
    this.names = names;
    this.draw();
  }

  /** Show a point (null: none yet). A new point flashes briefly. */
  show(point: CourtPoint | null, description: string): void {
    const isNew = point !== null && point.seq !== this.point?.seq;
    this.point = point;
    this.root.setAttribute('aria-label', point ? `Court: ${description}` : 'Court: waiting for the first point');
    if (point) {
      this.root.dataset.seq = String(point.seq);
      this.root.dataset.outcome = outcomeOf(point) ?? 'point';
    }
    if (isNew) {
      this.flashUntil = performance.now() + 600;
      this.animate();
    } else this.draw();
  }

  private animate(): void {
    cancelAnimationFrame(this.raf);
    const step = () => {
      this.draw();
      if (performance.now() < this.flashUntil) this.raf = requestAnimationFrame(step);
    };
    this.raf = requestAnimationFrame(step);
  }

  private draw(): void {
    const c = this.root;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const cssW = c.clientWidth || 600;
    const cssH = c.clientHeight || 300;
    if (c.width !== Math.round(cssW * dpr) || c.height !== Math.round(cssH * dpr)) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = COLORS.surround;
    ctx.fillRect(0, 0, cssW, cssH);

    // Court geometry (doubles court 23.77 m × 10.97 m), fitted with a margin.
    // The margin holds the names above and the facts below: at least 26 px, room for 11 px text.
    const margin = Math.max(26, cssW * 0.06);
    const scale = Math.min((cssW - 2 * margin) / 23.77, (cssH - 2 * margin) / 10.97);
    const w = 23.77 * scale;
    const hgt = 10.97 * scale;
    const x0 = (cssW - w) / 2;
    const y0 = (cssH - hgt) / 2;
    const alley = 1.37 * scale;
    const serviceFromNet = 6.4 * scale;
    const mid = x0 + w / 2;

    ctx.fillStyle = COLORS.alley;
    ctx.fillRect(x0, y0, w, hgt);
    ctx.fillStyle = COLORS.court;
    ctx.fillRect(x0, y0 + alley, w, hgt - 2 * alley);

    const p = this.point;
    const now = performance.now();
    const flash = Math.max(0, Math.min(1, (this.flashUntil - now) / 600));
    if (p?.winner) {
      const left = p.winner === 1;
      const grad = ctx.createLinearGradient(left ? x0 : mid + w / 2, 0, left ? x0 + w / 2 : mid, 0);
      const col = p.winner === 1 ? COLORS.p1 : COLORS.p2;
      grad.addColorStop(0, hexA(col, 0.05));
      grad.addColorStop(1, hexA(col, 0.28 + 0.3 * flash));
      ctx.fillStyle = grad;
      ctx.fillRect(left ? x0 : mid, y0, w / 2, hgt);
    }

    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = Math.max(1.5, scale * 0.08);
    ctx.strokeRect(x0, y0, w, hgt);
    line(ctx, x0, y0 + alley, x0 + w, y0 + alley);
    line(ctx, x0, y0 + hgt - alley, x0 + w, y0 + hgt - alley);
    line(ctx, mid - serviceFromNet, y0 + alley, mid - serviceFromNet, y0 + hgt - alley);
    line(ctx, mid + serviceFromNet, y0 + alley, mid + serviceFromNet, y0 + hgt - alley);
    line(ctx, mid - serviceFromNet, y0 + hgt / 2, mid + serviceFromNet, y0 + hgt / 2);
    line(ctx, x0, y0 + hgt / 2, x0 + 0.3 * scale, y0 + hgt / 2);
    line(ctx, x0 + w - 0.3 * scale, y0 + hgt / 2, x0 + w, y0 + hgt / 2);
    ctx.strokeStyle = COLORS.net;
    ctx.lineWidth = Math.max(2, scale * 0.15);
    line(ctx, mid, y0 - 0.9 * scale, mid, y0 + hgt + 0.9 * scale);

    // Every label is fitted to its place (measured, never assumed): a name to the band above
    // its half, a badge to its half of the court, the facts to the band below the court.
    const boxes: PaintedText[] = [];
    const font = (weight: number, px: number) => `${weight} ${px}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    const paint = (text: string, weight: number, maxPx: number, cx: number, cy: number, area: Rect, padPx = 0): number => {
      const px = fitFont(ctx, text, weight, maxPx, area[2] - 8, font);
      ctx.font = font(weight, px);
      const tw = ctx.measureText(text).width;
      const box: Rect = [cx - tw / 2 - padPx, cy - px / 2 - padPx / 2, tw + 2 * padPx, px + padPx];
      boxes.push({ text, box: box.map(round1) as Rect, area: area.map(round1) as Rect });
      return px;
    };
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    const bandPx = Math.max(11, Math.min(18, y0 * 0.55));
    const halves: [Rect, Rect] = [[x0, y0, w / 2, hgt], [mid, y0, w / 2, hgt]];
    this.names.forEach((n, i) => {
      const text = n.toUpperCase();
      const px = paint(text, 600, bandPx, halves[i]![0] + w / 4, y0 / 2, [halves[i]![0], 0, w / 2, y0]);
      ctx.font = `600 ${px}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      ctx.fillStyle = hexA(i === 0 ? COLORS.p1 : COLORS.p2, 0.95);
      ctx.fillText(text, halves[i]![0] + w / 4, y0 / 2);
    });

    if (!p) {
      const msg = 'Waiting for the next point…';
      const px = paint(msg, 600, Math.max(11, Math.min(18, cssW / 40)), cssW / 2, cssH / 2, [x0, y0, w, hgt], 12);
      const b = boxes[boxes.length - 1]!.box;
      ctx.fillStyle = 'rgba(0,0,0,0.6)';
      roundRect(ctx, b[0], b[1], b[2], b[3], 8);
      ctx.fill();
      ctx.font = `600 ${px}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillText(msg, cssW / 2, cssH / 2);
      this.setBoxes(boxes);
      return;
    }

    // server: a ball at that baseline
    if (p.server) {
      const bx = p.server === 1 ? x0 - 0.9 * scale : x0 + w + 0.9 * scale;
      ctx.fillStyle = COLORS.ball;
      ctx.beginPath();
      ctx.arc(bx, y0 + hgt / 2, Math.max(4, scale * 0.35), 0, Math.PI * 2);
      ctx.fill();
    }

    const badges = courtBadges(p);
    const color = { good: COLORS.good, bad: COLORS.bad, warn: COLORS.warn, p1: COLORS.p1, p2: COLORS.p2 };
    // one badge is at most a third of its half's height (its stack at most the half's height)
    const perSide = (side: 1 | 2) => badges.filter((b) => b.side === side).length;
    badges.forEach((b) => {
      const half = halves[b.side - 1]!;
      const n = perSide(b.side);
      const k = badges.filter((o) => o.side === b.side).indexOf(b);
      const maxPx = Math.min(Math.max(14, Math.min(30, cssW / 22)) * (1 + 0.15 * flash), hgt / (1.6 * n + 0.4));
      const cx = half[0] + w / 4;
      const cy = y0 + hgt / 2 + (k - (n - 1) / 2) * maxPx * 1.6;
      // the badge's dark plate is half a letter wider than its text on each side
      const px = fitFont(ctx, b.text, 800, maxPx, half[2] - 8, font, 1);
      ctx.font = font(800, px);
      const tw = ctx.measureText(b.text).width;
      const plate: Rect = [cx - tw / 2 - px * 0.5, cy - px * 0.75, tw + px, px * 1.5];
      boxes.push({ text: b.text, box: plate.map(round1) as Rect, area: half.map(round1) as Rect });
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      roundRect(ctx, plate[0], plate[1], plate[2], plate[3], px * 0.3);
      ctx.fill();
      ctx.fillStyle = color[b.tone];
      ctx.fillText(b.text, cx, cy);
    });

    const facts: string[] = [];
    if (p.serveSpeedKmh !== undefined) facts.push(`Serve ${Math.round(p.serveSpeedKmh)} km/h`);
    if (p.rally !== undefined) facts.push(`Rally ${p.rally} shot${p.rally === 1 ? '' : 's'}`);
    if (p.breakPoint) facts.push('Break point');
    if (facts.length) {
      const text = facts.join('   ·   ');
      const below = y0 + hgt + 0.9 * scale;
      const cy = below + (cssH - below) / 2;
      const px = paint(text, 600, Math.max(11, Math.min(18, (cssH - below) * 0.6)), cssW / 2, cy, [0, below, cssW, cssH - below]);
      ctx.font = font(600, px);
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fillText(text, cssW / 2, cy);
    }
    this.setBoxes(boxes);
  }

  /** Publish where the labels were painted (`data-text-boxes`: browser tests check them; harness.ts `layoutProblems`). */
  private setBoxes(boxes: readonly PaintedText[]): void {
    this.root.dataset.textBoxes = JSON.stringify(boxes);
  }
}

/** A rectangle on the canvas: x, y, width, height (CSS px from its top left). */
type Rect = [number, number, number, number];

/** A label painted on the canvas: its box, and the area it must stay in (CSS px). */
interface PaintedText {
  readonly text: string;
  readonly box: Rect;
  readonly area: Rect;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The largest font size (CSS px, at most `maxPx`, at least 8) at which `text` in `weight` is
 * no wider than `maxWidth` CSS px — plus `plateEm` of its size (a plate around it).
 */
function fitFont(ctx: CanvasRenderingContext2D, text: string, weight: number, maxPx: number, maxWidth: number, font: (w: number, px: number) => string, plateEm = 0): number {
  ctx.font = font(weight, maxPx);
  const at = ctx.measureText(text).width;
  if (at + plateEm * maxPx <= maxWidth) return maxPx;
  // width grows linearly with the size: solve for it, then round down
  const px = Math.floor((maxWidth / (at / maxPx + plateEm)) * 10) / 10;
  return Math.max(8, px);
}

/** One word on the court: which player's half it is on, what it says, and its colour. */
export interface CourtBadge {
  readonly side: 1 | 2;
  readonly text: 'ACE' | 'DOUBLE FAULT' | 'WINNER' | 'UNFORCED ERROR' | 'POINT';
  readonly tone: 'good' | 'bad' | 'warn' | 'p1' | 'p2';
}

/**
 * The words the court shows for a point: ACE or DOUBLE FAULT on the server's half, WINNER on
 * the point winner's, UNFORCED ERROR on the loser's — a double fault once only (the data marks
 * it an unforced error too: it is the same mistake) — or POINT on the winner's half when the
 * data names no outcome. [] when the point has no winner and no serve outcome.
 */
export function courtBadges(p: CourtPoint): CourtBadge[] {
  const out: CourtBadge[] = [];
  if (p.server && p.ace) out.push({ side: p.server, text: 'ACE', tone: 'good' });
  if (p.server && p.doubleFault) out.push({ side: p.server, text: 'DOUBLE FAULT', tone: 'bad' });
  if (p.winner && p.cleanWinner && !p.ace) out.push({ side: p.winner, text: 'WINNER', tone: 'good' });
  if (p.winner && p.unforcedError && !p.doubleFault) out.push({ side: p.winner === 1 ? 2 : 1, text: 'UNFORCED ERROR', tone: 'warn' });
  if (p.winner && out.length === 0) out.push({ side: p.winner, text: 'POINT', tone: p.winner === 1 ? 'p1' : 'p2' });
  return out;
}

/** The outcome word for data attributes and text. */
export function outcomeOf(p: CourtPoint): 'ace' | 'double-fault' | 'winner' | 'unforced-error' | null {
  if (p.ace) return 'ace';
  if (p.doubleFault) return 'double-fault';
  if (p.cleanWinner) return 'winner';
  if (p.unforcedError) return 'unforced-error';
  return null;
}

function line(ctx: CanvasRenderingContext2D, a: number, b: number, c: number, d: number): void {
  ctx.beginPath();
  ctx.moveTo(a, b);
  ctx.lineTo(c, d);
  ctx.stroke();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, hh: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + hh, r);
  ctx.arcTo(x + w, y + hh, x, y + hh, r);
  ctx.arcTo(x, y + hh, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function hexA(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a.toFixed(3)})`;
}
