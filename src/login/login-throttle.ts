import type { Knex } from '../db/knex.js';

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const MAX_LOCK_MS = 3_600_000;
const FORGET_AFTER_MS = 3_600_000;

/**
 * Forgets failures long past that are not locking anything, so a parent's typo last week does
 * not count toward today's lock; for one key, or for all when `key` is omitted.
 */
export function forgetIdleCounters(knex: Knex, now: number, key?: string): Promise<number> {
  const query = knex('login_throttle')
    .where('locked_until', '<', now)
    .where('updated_at', '<', now - FORGET_AFTER_MS);
  if (key !== undefined) query.where({ key });
  return query.delete();
}

/**
 * Counts failed logins per key (`phone:+86…`, `ip:…`) in the database, so every hub process
 * sees the same counts. Past `maxFailures` each further failure doubles the wait.
 */
export class LoginThrottle {
  constructor(
    private readonly knex: Knex,
    private readonly options: { maxFailures: number; lockSeconds: number },
  ) {}

  async check(keys: Array<{ key: string; weight?: number }>): Promise<ThrottleVerdict> {
    const now = Date.now();
    const rows = await this.knex('login_throttle')
      .whereIn(
        'key',
        keys.map((entry) => entry.key),
      )
      .select('locked_until');
    const lockedUntil = Math.max(0, ...rows.map((row) => Number(row.locked_until)));
    if (lockedUntil > now) {
      return { allowed: false, retryAfterSeconds: Math.ceil((lockedUntil - now) / 1000) };
    }
    return { allowed: true };
  }

  /**
   * Records one failure. `allowance` scales the limit: an IP address stands for many parents
   * behind one carrier NAT, so it gets more tries than one phone.
   */
  async recordFailure(key: string, allowance = 1): Promise<void> {
    const now = Date.now();

    await forgetIdleCounters(this.knex, now, key);

    const updated = await this.knex('login_throttle')
      .where({ key })
      .update({ failures: this.knex.raw('failures + 1'), updated_at: now });
    if (updated === 0) {
      await this.knex('login_throttle')
        .insert({ key, failures: 1, locked_until: 0, updated_at: now })
        .onConflict('key')
        .merge({ failures: this.knex.raw('failures + 1'), updated_at: now });
    }

    const row = await this.knex('login_throttle').where({ key }).first('failures');
    const over = Number(row?.failures ?? 0) - this.options.maxFailures * allowance;
    if (over >= 0) {
      const lockMs = Math.min(this.options.lockSeconds * 1000 * 2 ** over, MAX_LOCK_MS);
      await this.knex('login_throttle')
        .where({ key })
        .update({ locked_until: now + lockMs });
    }
  }

  async reset(key: string): Promise<void> {
    await this.knex('login_throttle').where({ key }).delete();
  }
}
