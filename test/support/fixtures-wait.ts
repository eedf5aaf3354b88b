/**
 * Waiting for an event in tests: poll a synchronous probe until it yields a value. The bound
 * only catches a hang (it is generous, under jest's 60 s testTimeout so this message names
 * what never came); a wait ends as soon as its event has happened.
 */

/** Default bound of {@link eventually}, ms: only a hang reaches it. */
export const EVENTUALLY_HANG_MS = 30_000;

/**
 * Resolve with the first value `probe` returns that is not `undefined`, polling every
 * `everyMs` (ms, default 10). Throws `timed out waiting for {what}` once `maxMs` (ms, default
 * {@link EVENTUALLY_HANG_MS}) have passed without one.
 */
export async function eventually<T>(probe: () => T | undefined, what: string, maxMs = EVENTUALLY_HANG_MS, everyMs = 10): Promise<T> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
