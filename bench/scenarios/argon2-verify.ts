import { hashPassword, verifyPassword } from '../../src/accounts/password.js';
import type { Operation } from '../load.js';

/**
 * The floor a password login cannot beat: argon2id verifies of a hash made by the hub's own
 * `hashPassword` (same parameters), nothing else, on libuv's thread pool like the hub's.
 */
export async function argon2Verify() {
  const password = 'bench password 1';
  const hash = await hashPassword(password);
  return async (): Promise<Operation> => async () => {
    if (!(await verifyPassword(hash, password))) throw new Error('verify failed');
  };
}
