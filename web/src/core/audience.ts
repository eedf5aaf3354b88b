/**
 * Join and leave notices, collapsed: the audience's size from each `presence` (protocol
 * `presence.clients`, coalesced by the server to at most one per second per stream) becomes one
 * chat line that counts who came and went — "3 people joined · 1 left" — updated in place while
 * nothing else was written after it, instead of a line per arrival. The viewer's own arrival is
 * never announced: a `joined` (a new stream, a rejoin) sets the baseline, its `clients` (which
 * counts the viewer), or else the first count after it.
 * Counts only: `presence` names nobody.
 */
export class AudienceTally {
  private last: number | undefined;
  private joined = 0;
  private left = 0;

  /**
   * A `joined` (new stream or rejoin): `clients` (its `joined.clients`) becomes the baseline;
   * without it, the next count does. Either way the baseline is announced by nothing.
   */
  reset(clients?: number): void {
    this.last = clients;
    this.cut();
  }

  /** Another line was written after the notice: the next change starts a new one, from zero. */
  cut(): void {
    this.joined = 0;
    this.left = 0;
  }

  /**
   * The audience is now `clients` connections (an integer ≥ 0). Returns the notice for the changes
   * since the last {@link cut} (`"1 person joined"`, `"2 people joined · 1 left"`, `"1 person left"`), or
   * undefined when this count is the baseline or the same as the last one.
   */
  update(clients: number): string | undefined {
    const before = this.last;
    this.last = clients;
    if (before === undefined || clients === before) return undefined;
    if (clients > before) this.joined += clients - before;
    else this.left += before - clients;
    const parts: string[] = [];
    if (this.joined > 0) parts.push(`${this.joined} ${this.joined === 1 ? 'person' : 'people'} joined`);
    if (this.left > 0) parts.push(parts.length ? `${this.left} left` : `${this.left} ${this.left === 1 ? 'person' : 'people'} left`);
    return parts.join(' · ');
  }
}
