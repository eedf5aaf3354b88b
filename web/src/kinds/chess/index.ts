/**
 * The chess web view: the board of the state's FEN (Unicode pieces on CSS squares, each
 * square labelled for screen readers), both clocks, material, the move list and the result.
 * The state is the shared reducer's (kinds/chess), folded from the server's snapshot.
 */
import { chess, type ChessState } from '../../../../kinds/chess';
import type { JoinedMessage, WireFrame } from '../../../../protocol/messages';
import { h, setText } from '../../ui/dom';
import { headerOf, FoldedState } from '../fold';
import type { KindModule, KindSlots, KindView, WireSnapshot } from '../types';
import { board, formatClock, materialText, moveLines, statusText, toMove } from './model';

class ChessView implements KindView {
  private readonly folded: FoldedState<ChessState>;
  private readonly boardEl: HTMLElement;
  private readonly clocks: { white: HTMLElement; black: HTMLElement; whiteName: HTMLElement; blackName: HTMLElement };
  private readonly material: HTMLElement;
  private readonly status: HTMLElement;
  private readonly moves: HTMLElement;

  constructor(slots: KindSlots, joined: JoinedMessage, participants: readonly string[] | undefined) {
    this.folded = new FoldedState(chess, () => chess.initialState(headerOf(joined, participants)));
    this.boardEl = h('div', { class: 'chess-board', role: 'grid', 'aria-label': 'Chess board', 'data-testid': 'chess-board' });
    const clock = (side: string) => h('span', { class: 'chess-clock num', 'data-testid': `clock-${side}` }, '–');
    const name = (side: string) => h('span', { class: 'chess-name', 'data-testid': `name-${side}` });
    this.clocks = { white: clock('white'), black: clock('black'), whiteName: name('white'), blackName: name('black') };
    this.material = h('p', { class: 'small', 'data-testid': 'chess-material' });
    this.status = h('div', { class: 'sb-badge', 'data-testid': 'score-badge', 'aria-live': 'polite' });
    // Scrolls when the game is long: focusable, so a keyboard user can scroll it (WCAG 2.1.1,
    // axe's scrollable-region-focusable).
    this.moves = h('ol', { class: 'chess-moves num', 'data-testid': 'move-list', 'aria-label': 'Moves', tabindex: '0' });
    const scoreboard = h(
      'section',
      { class: 'scoreboard chess-sb', 'aria-label': 'Players and clocks', 'data-testid': 'scoreboard' },
      h('div', { class: 'chess-player', 'data-side': 'black' }, h('span', { class: 'chess-swatch b', 'aria-hidden': 'true' }), this.clocks.blackName, this.clocks.black),
      h('div', { class: 'chess-player', 'data-side': 'white' }, h('span', { class: 'chess-swatch w', 'aria-hidden': 'true' }), this.clocks.whiteName, this.clocks.white),
      this.status,
    );
    slots.body.replaceChildren(h('section', { class: 'chess-stage', 'aria-label': 'Position' }, this.boardEl, this.material));
    slots.stage.before(scoreboard);
    slots.side.prepend(h('section', { class: 'panel feed-panel', 'aria-label': 'Moves' }, h('h2', {}, 'Moves'), this.moves));
  }

  get upTo(): number {
    return this.folded.upTo;
  }

  reset(base: WireSnapshot | undefined, held: readonly WireFrame[]): void {
    this.folded.reset(base, held);
  }

  add(frames: readonly WireFrame[], held: readonly WireFrame[]): string | undefined {
    this.folded.add(frames, held);
    const s = this.folded.state;
    return s.lastMove ? `${s.ply % 2 === 1 ? 'White' : 'Black'} played ${s.lastMove.san}` : undefined;
  }

  render(): void {
    const s = this.folded.state;
    let squares;
    try {
      squares = board(s.fen);
    } catch {
      return; // a FEN the board cannot read: keep the last position drawn
    }
    const key = `${s.fen}|${s.lastMove?.from}${s.lastMove?.to}`;
    if (this.boardEl.dataset.fen !== key) {
      this.boardEl.dataset.fen = key;
      const rows = [];
      for (let r = 0; r < 8; r++) {
        rows.push(
          h(
            'div',
            { class: 'chess-rank', role: 'row' },
            ...squares.slice(r * 8, r * 8 + 8).map((q) =>
              h(
                'span',
                {
                  class: `chess-sq${q.dark ? ' dark' : ''}${q.piece ? (q.piece === q.piece.toUpperCase() ? ' pw' : ' pb') : ''}${s.lastMove && (s.lastMove.from === q.name || s.lastMove.to === q.name) ? ' last' : ''}`,
                  role: 'gridcell',
                  'aria-label': q.label,
                  'data-square': q.name,
                  'data-piece': q.piece ?? '',
                },
                q.glyph,
              ),
            ),
          ),
        );
      }
      this.boardEl.replaceChildren(...rows);
    }
    setText(this.clocks.whiteName, s.white);
    setText(this.clocks.blackName, s.black);
    setText(this.clocks.white, formatClock(s.clocks.white));
    setText(this.clocks.black, formatClock(s.clocks.black));
    const turn = s.result ? null : toMove(s.fen);
    this.clocks.white.parentElement?.classList.toggle('to-move', turn === 'white');
    this.clocks.black.parentElement?.classList.toggle('to-move', turn === 'black');
    setText(this.material, materialText(s));
    setText(this.status, statusText(s));
    const lines = moveLines(s);
    if (this.moves.dataset.count !== String(s.ply)) {
      this.moves.dataset.count = String(s.ply);
      this.moves.replaceChildren(...lines.map((l) => h('li', {}, l)));
      this.moves.scrollTop = this.moves.scrollHeight;
    }
  }
}

/** Chess (`kind: 'chess'`, frames `move` and `result`). */
export const chessView: KindModule = {
  kind: 'chess',
  mount: (slots, joined, participants) => new ChessView(slots, joined, participants),
};
