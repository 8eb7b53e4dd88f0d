import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Knex } from '../db/knex.js';

export const MAX_TRIES_PER_CODE = 5;

export type SmsCodeCheck = 'ok' | 'invalid';

/**
 * One-time login codes: 6 digits, bound to one phone and one login attempt, valid for a few
 * minutes, usable once. Only a keyed hash is stored, so a database dump gives no live codes.
 */
export class SmsCodes {
  constructor(
    private readonly knex: Knex,
    private readonly secret: string,
    private readonly ttlSeconds: number,
  ) {}

  private hash(phone: string, attemptId: string, code: string): string {
    return createHmac('sha256', this.secret).update(`${phone}|${attemptId}|${code}`).digest('hex');
  }

  async issue(phone: string, attemptId: string, senderIp: string): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = Date.now();
    await this.knex('sms_codes').insert({
      phone,
      attempt_id: attemptId,
      code_hash: this.hash(phone, attemptId, code),
      sender_ip: senderIp,
      created_at: now,
      expires_at: now + this.ttlSeconds * 1000,
    });
    return code;
  }

  /** Checks and consumes the newest live code for this phone and attempt. */
  async consume(phone: string, attemptId: string, code: string): Promise<SmsCodeCheck> {
    const now = Date.now();
    const row = await this.knex('sms_codes')
      .where({ phone, attempt_id: attemptId })
      .whereNull('consumed_at')
      .where('expires_at', '>', now)
      .where('tries', '<', MAX_TRIES_PER_CODE)
      .orderBy('id', 'desc')
      .first('id', 'code_hash');
    if (!row) return 'invalid';

    const expected = Buffer.from(row.code_hash, 'hex');
    const given = Buffer.from(this.hash(phone, attemptId, code), 'hex');
    if (!/^\d{6}$/.test(code) || !timingSafeEqual(expected, given)) {
      await this.knex('sms_codes').where({ id: row.id }).increment('tries', 1);
      return 'invalid';
    }

    // The conditional update makes a code single-use even when two requests race.
    const consumed = await this.knex('sms_codes')
      .where({ id: row.id })
      .whereNull('consumed_at')
      .update({ consumed_at: now });
    return consumed === 1 ? 'ok' : 'invalid';
  }

  /** When codes were issued to a phone or from an IP since a moment, oldest first. */
  async issuedSince(column: 'phone' | 'sender_ip', value: string, since: number) {
    const rows = await this.knex('sms_codes')
      .where(column, value)
      .where('created_at', '>', since)
      .orderBy('created_at')
      .select('created_at');
    return rows.map((row) => Number(row.created_at));
  }
}
