import { randomBytes } from 'node:crypto';
import { AccountStore } from '../../src/accounts/account-store.js';
import { AuditLog } from '../../src/accounts/audit-log.js';
import { IdentityLinks } from '../../src/accounts/identity-links.js';
import type { LinkRulesDeps, VerifiedIdentity } from '../../src/accounts/link-rules.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** The linking rules' stores on a freshly migrated database, as the hub wires them. */
export async function linkRulesOn(databaseUrl: string): Promise<{
  knex: Knex;
  deps: LinkRulesDeps;
}> {
  const knex = openDatabase(databaseUrl);
  await migrateToLatest(knex);
  return { knex, deps: linkRulesDeps(knex) };
}

/** The linking rules' stores on a hub's database, with the test hub's provider ids. */
export function linkRulesDeps(knex: Knex): LinkRulesDeps {
  return {
    accounts: new AccountStore(knex),
    links: new IdentityLinks(knex),
    audit: new AuditLog(knex),
    providerIdFor: (identityProvider) => {
      if (identityProvider === 'elearning') return 'elearning';
      if (identityProvider.startsWith('wechat:')) return 'wechat-weixuetong';
      return undefined;
    },
  };
}

/** A fresh upstream subject, so each test's people are strangers to each other. */
export function freshSubject(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** A mainland mobile number nobody in this database has used yet. */
export function freshPhone(): string {
  return `+86139${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
}

/** What E-learning-net hands over for one of its users. */
export function elearningIdentity(
  overrides: Partial<VerifiedIdentity> & { sub?: string } = {},
): VerifiedIdentity {
  const { sub, ...rest } = overrides;
  return {
    providerId: 'elearning',
    identities: [{ provider: 'elearning', subject: sub ?? freshSubject('el') }],
    name: '李家长',
    allowSignup: true,
    ...rest,
  };
}

/** What WeChat (the Weixuetong official account) hands over; with a unionid when given. */
export function wechatIdentity(
  overrides: Partial<VerifiedIdentity> & { openid?: string; unionid?: string; appid?: string } = {},
): VerifiedIdentity {
  const { openid, unionid, appid, ...rest } = overrides;
  return {
    providerId: 'wechat-weixuetong',
    identities: [
      { provider: `wechat:${appid ?? 'wxdemo'}`, subject: openid ?? freshSubject('o') },
      ...(unionid ? [{ provider: 'wechat-union', subject: unionid }] : []),
    ],
    allowSignup: true,
    ...rest,
  };
}
