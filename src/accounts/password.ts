import argon2 from 'argon2';

// OWASP's first argon2id recommendation: 19 MiB of memory, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id as 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/** Hashes on libuv's thread pool, so logins never block the event loop. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let decoyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real check when the phone is unknown, so response time does not
 * tell an attacker which phones are registered.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that never matches');
  await verifyPassword(await decoyHash, password);
  return false;
}

export const MIN_PASSWORD_LENGTH = 8;
