import argon2 from 'argon2';

// OWASP's first argon2id recommendation: 19 MiB of memory, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id as 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 };

/** Hashes on libuv's thread pool, so logins never block the event loop. */
export async function hashPassword(password: string): Promise<string> {
  return standardParameterOrder(await argon2.hash(password, OPTIONS));
}

/**
 * node-argon2 0.45 writes the parameters as m,p,t; the PHC encoding of Argon2 requires
 * m,t,p, and libargon2-based verifiers (PHP, argon2-cffi, Spring) reject any other order.
 * node-argon2 reads either order, so stored hashes stay portable and still verify here.
 */
function standardParameterOrder(encoded: string): string {
  return encoded.replace(
    /^(\$argon2(?:id|i|d)\$v=\d+\$)m=(\d+),p=(\d+),t=(\d+)\$/,
    '$1m=$2,t=$4,p=$3$',
  );
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
