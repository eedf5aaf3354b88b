/**
 * The per-user connections quota end to end, in local mode (same handlers, template and
 * Quotas table as on AWS): one user's connection past the limit (DEFAULT_USER_QUOTAS) is
 * refused at the handshake with 429, another user is not affected, and closing a connection
 * frees its slot once `$disconnect` has run.
 */
import { DEFAULT_USER_QUOTAS } from '../../contract/defaults';
import { E2e, until } from '../support/e2e';
import type { TestClient } from '../support/ws-client';

let e: E2e;
beforeAll(async () => {
  e = await E2e.start();
});
afterAll(async () => {
  await e?.close();
});

test('connections past the per-user quota get 429 at $connect; a closed one frees its slot', async () => {
  const limit = DEFAULT_USER_QUOTAS.connections;
  const open: TestClient[] = [];
  for (let i = 0; i < limit; i++) open.push(await e.connect('quota-user'));
  await expect(e.connect('quota-user')).rejects.toThrow(/429/);
  const other = await e.connect('quota-other');
  expect(other).toBeDefined();
  await open[0].close();
  // $disconnect runs after the close: wait for the slot (a hang guard bounds it).
  await until('a free connection slot', async () => e.connect('quota-user').then(() => true, () => false));
});
