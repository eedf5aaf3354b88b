/**
 * Node 20 polyfills for local mode. `aws-local-stepfunctions` 3.x targets Node 22 and calls
 * `Promise.withResolvers` (ES2024, Node >= 22); import this module before it.
 * Nothing else is patched; on Node 22+ this is a no-op.
 */
interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const P = Promise as unknown as { withResolvers?: <T>() => WithResolvers<T> };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = <T>(): WithResolvers<T> => {
    let resolve!: WithResolvers<T>['resolve'];
    let reject!: WithResolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
}

export {};
