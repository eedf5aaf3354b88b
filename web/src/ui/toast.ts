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

/** Show `text` (plain text) for `ms` milliseconds. `kind` colours it. At most 4 are shown. */
export function toast(text: string, kind: 'error' | 'info' | 'ok' = 'error', ms = 5000): void {
  const c = container();
  const el = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', 'data-kind': kind }, text);
  c.appendChild(el);
  while (c.children.length > 4) c.firstElementChild?.remove();
  window.setTimeout(() => {
    el.classList.add('toast-out');
    window.setTimeout(() => el.remove(), 300);
  }, ms);
}
