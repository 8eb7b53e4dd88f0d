import type { Knex } from '../db/knex.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import type { Identity } from './account-store.js';
import { AuditLog } from './audit-log.js';

export type IdentityKey = { provider: string; subject: string };

/** Where a link or unlink came from, for the audit log. */
export type LinkContext = {
  ip?: string;
  /** The configured login provider that asserted the identity, e.g. `elearning`. */
  providerId?: string;
  /** The account that acted: the parent themselves, or an admin. */
  actorAccountId?: string;
  /** How ownership was shown: `sms`, a login provider id, `signed-in`, `login`. */
  via?: string;
};

/** Another account took one of the identities first; nothing was linked. */
export class IdentityTaken extends Error {
  constructor() {
    super('identity already belongs to another account');
  }
}

export type UnlinkOutcome =
  { ok: true; removed: string[] } | { ok: false; reason: 'not_found' | 'last_sign_in_method' };

// A unionid never signs anyone in by itself: it only ties the openids of one WeChat open
// platform together, so it is not "a way to sign in" and goes when the last openid goes.
const UNION = 'wechat-union';
const isWechatOpenid = (provider: string) => provider.startsWith('wechat:');

/**
 * Adds and removes identities of an account, writing each change to the audit log in the same
 * transaction, so the log never claims a link that was rolled back or misses one that was made.
 */
export class IdentityLinks {
  constructor(private readonly knex: Knex) {}

  /** Links all of `identities` to the account, or none; throws IdentityTaken on a race. */
  async link(
    accountId: string,
    identities: Array<IdentityKey & { verified: boolean }>,
    context: LinkContext,
  ): Promise<void> {
    if (identities.length === 0) return;
    const now = Date.now();
    try {
      await this.knex.transaction(async (trx) => {
        const audit = new AuditLog(trx);
        for (const identity of identities) {
          await trx('identities').insert({
            account_id: accountId,
            provider: identity.provider,
            subject: identity.subject,
            verified: identity.verified,
            created_at: now,
            last_used_at: now,
          });
          await audit.write({
            action: 'identity.linked',
            actorAccountId: context.actorAccountId ?? accountId,
            subjectAccountId: accountId,
            provider: context.providerId,
            ip: context.ip,
            detail: { identityProvider: identity.provider, via: context.via },
          });
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new IdentityTaken();
      throw error;
    }
  }

  /**
   * Removes one identity unless it is the account's last way to sign in. A phone counts as a
   * way: the parent can always get an SMS code to it, and with a password also use that.
   */
  async unlink(
    accountId: string,
    identityId: number,
    context: LinkContext,
  ): Promise<UnlinkOutcome> {
    return this.knex.transaction(async (trx) => {
      const rows: Array<{ id: number; provider: string }> = await trx('identities')
        .where({ account_id: accountId })
        .forUpdate()
        .select('id', 'provider');
      const target = rows.find((row) => Number(row.id) === Number(identityId));
      if (!target || target.provider === UNION) return { ok: false, reason: 'not_found' };

      const remaining = rows.filter((row) => row !== target);
      const ways = remaining.filter((row) => row.provider !== UNION);
      if (ways.length === 0) return { ok: false, reason: 'last_sign_in_method' };

      const removed = [target];
      if (isWechatOpenid(target.provider) && !ways.some((row) => isWechatOpenid(row.provider))) {
        // Otherwise the next WeChat login would find the account again by its unionid.
        removed.push(...remaining.filter((row) => row.provider === UNION));
      }

      await trx('identities')
        .whereIn(
          'id',
          removed.map((row) => row.id),
        )
        .delete();
      const audit = new AuditLog(trx);
      for (const row of removed) {
        await audit.write({
          action: 'identity.unlinked',
          actorAccountId: context.actorAccountId ?? accountId,
          subjectAccountId: accountId,
          provider: context.providerId,
          ip: context.ip,
          detail: { identityProvider: row.provider, via: context.via },
        });
      }
      return { ok: true, removed: removed.map((row) => row.provider) };
    });
  }

  /** Marks the identities a login just used, for "last used" on the account page. */
  async touch(identities: IdentityKey[]): Promise<void> {
    const now = Date.now();
    for (const { provider, subject } of identities) {
      await this.knex('identities').where({ provider, subject }).update({ last_used_at: now });
    }
  }
}

export function sameIdentity(a: IdentityKey, b: IdentityKey | Identity): boolean {
  return a.provider === b.provider && a.subject === b.subject;
}
