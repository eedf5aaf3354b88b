/**
 * A bounded worker pool over a (possibly lazy, paginated) source. Used by fan-out
 * (docs/ARCHITECTURE.md "Fan-out": post to every connection with bounded concurrency): the source is
 * read only as fast as workers free up, so a stream with thousands of viewers never has
 * thousands of requests in flight, and a page of the `byStream` query is fetched only when
 * it is needed.
 */

/**
 * Run `fn` on every item of `source`, with at most `concurrency` calls in flight at once.
 * Items start in source order; they may finish in any order. Resolves when every call has
 * settled. If `fn` or the source throws, no new items are started and the first error is
 * rethrown after the calls already in flight settle (callers that must not stop — fan-out —
 * catch inside `fn`).
 *
 * `concurrency` is clamped to at least 1. Works with arrays, iterables and async iterables.
 */
export async function forEachPool<T>(
  source: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const width = Math.max(1, Math.floor(concurrency) || 1);
  const it: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<T>)[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  let index = 0;
  let failed = false;
  let firstError: unknown;
  // Workers share one iterator; `next()` calls are serialized so an async source is never
  // asked for two items at once.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<T>> => {
    const p = pulling.then(() => it.next());
    pulling = p.catch(() => undefined);
    return p;
  };
  const worker = async (): Promise<void> => {
    while (!failed) {
      let r: IteratorResult<T>;
      try {
        r = await pull();
      } catch (e) {
        if (!failed) { failed = true; firstError = e; }
        return;
      }
      if (r.done || failed) return;
      const i = index++;
      try {
        await fn(r.value, i);
      } catch (e) {
        if (!failed) { failed = true; firstError = e; }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  if (failed) throw firstError;
}
