/** Toasts: short, plain-text notices (errors, connection news), announced to screen readers. */
import { h } from './dom';

let host: HTMLElement | null = null;

function container(): HTMLElement {
  if (!host || !host.isConnected) {
    host = h('div', { class: 'toasts', role: 'status', 'aria-live': 'assertive', 'data-testid': 'toasts' });
    document.body.appendChild(host);
  }
  return host;
}

/**
 * Show `text` (plain text) for `ms` milliseconds. `kind` colours it. At most 4 are shown; the
 * same text already showing is not stacked again — it stays up for another `ms` instead.
 */
export function toast(text: string, kind: 'error' | 'info' | 'ok' = 'error', ms = 5000): void {
  const c = container();
  const same = [...c.children].find((el): el is HTMLElement => el instanceof HTMLElement && el.textContent === text && !el.classList.contains('toast-out'));
  const el = same ?? h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', 'data-kind': kind }, text);
  if (same) window.clearTimeout(Number(same.dataset.timer));
  else c.appendChild(el);
  while (c.children.length > 4) c.firstElementChild?.remove();
  el.dataset.timer = String(
    window.setTimeout(() => {
      el.classList.add('toast-out');
      window.setTimeout(() => el.remove(), 300);
    }, ms),
  );
}
