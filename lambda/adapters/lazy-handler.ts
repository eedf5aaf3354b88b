/**
 * The Lambda entry of a composition root, built on its first invocation (not at import, so
 * a test or local mode may load the module before the environment is complete) and reused
 * by every later invocation of the container — the Powertools pattern: one set of clients
 * per container.
 */

/**
 * `build` called once, on the first invocation; every invocation is then passed to what it
 * returned. When `build` throws (e.g. MissingConfigError), that invocation rejects with its
 * error and the next one tries again.
 *
 * `export const handler = lazyHandler(() => createHandler(fromEnvironment(process.env)));`
 */
export function lazyHandler<A extends unknown[], R>(build: () => (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let built: ((...args: A) => Promise<R>) | undefined;
  return async (...args: A): Promise<R> => {
    built ??= build();
    return built(...args);
  };
}
