/**
 * `thrown(fn, ErrorClass)`: run `fn`, expect it to throw an instance of `ErrorClass`, and
 * return that error so a test can assert its fields (a line number, a code). Fails the test
 * when `fn` returns normally or throws something else.
 */
export function thrown<E extends Error>(fn: () => unknown, ErrorClass: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ErrorClass);
    return err as E;
  }
  throw new Error(`expected ${ErrorClass.name} to be thrown`);
}
