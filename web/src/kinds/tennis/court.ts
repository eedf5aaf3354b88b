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
    const margin = Math.max(16, cssW * 0.06);
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

    const fontPx = Math.max(11, Math.min(18, cssW / 40));
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'center';
    ctx.font = `600 ${fontPx}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    ctx.fillStyle = hexA(COLORS.p1, 0.95);
    ctx.fillText(this.names[0].toUpperCase(), x0 + w / 4, y0 - margin / 2);
    ctx.fillStyle = hexA(COLORS.p2, 0.95);
    ctx.fillText(this.names[1].toUpperCase(), x0 + (3 * w) / 4, y0 - margin / 2);

    if (!p) {
      const msg = 'Waiting for the next point…';
      const tw = ctx.measureText(msg).width;
      ctx.fillStyle = 'rgba(0,0,0,0.6)';
      roundRect(ctx, cssW / 2 - tw / 2 - 12, cssH / 2 - fontPx, tw + 24, fontPx * 2, 8);
      ctx.fill();
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillText(msg, cssW / 2, cssH / 2);
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

    const badges: { side: 1 | 2; text: string; color: string }[] = [];
    if (p.server && p.ace) badges.push({ side: p.server, text: 'ACE', color: COLORS.good });
    if (p.server && p.doubleFault) badges.push({ side: p.server, text: 'DOUBLE FAULT', color: COLORS.bad });
    if (p.winner && p.cleanWinner && !p.ace) badges.push({ side: p.winner, text: 'WINNER', color: COLORS.good });
    if (p.winner && p.unforcedError) badges.push({ side: p.winner === 1 ? 2 : 1, text: 'UNFORCED ERROR', color: COLORS.warn });
    if (p.winner && badges.length === 0) badges.push({ side: p.winner, text: 'POINT', color: p.winner === 1 ? COLORS.p1 : COLORS.p2 });
    const big = Math.max(14, Math.min(30, cssW / 22)) * (1 + 0.15 * flash);
    badges.forEach((b, i) => {
      const cx = b.side === 1 ? x0 + w / 4 : x0 + (3 * w) / 4;
      const cy = y0 + hgt / 2 + (i - (badges.length - 1) / 2) * big * 1.6;
      ctx.font = `800 ${big}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      const tw = ctx.measureText(b.text).width;
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      roundRect(ctx, cx - tw / 2 - big * 0.5, cy - big * 0.75, tw + big, big * 1.5, big * 0.3);
      ctx.fill();
      ctx.fillStyle = b.color;
      ctx.fillText(b.text, cx, cy);
    });

    const facts: string[] = [];
    if (p.serveSpeedKmh !== undefined) facts.push(`Serve ${Math.round(p.serveSpeedKmh)} km/h`);
    if (p.rally !== undefined) facts.push(`Rally ${p.rally} shot${p.rally === 1 ? '' : 's'}`);
    if (p.breakPoint) facts.push('Break point');
    if (facts.length) {
      ctx.font = `600 ${fontPx}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fillText(facts.join('   ·   '), cssW / 2, y0 + hgt + margin / 2);
    }
  }
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
