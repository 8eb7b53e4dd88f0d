import { isUniqueViolation } from '../db/unique-violation.js';
import type { Account, AccountStore } from './account-store.js';
import type { AuditLog } from './audit-log.js';
import {
  type IdentityKey,
  type IdentityLinks,
  IdentityTaken,
  type LinkContext,
  sameIdentity,
} from './identity-links.js';

/** What a login provider hands over once the upstream has authenticated someone. */
export type VerifiedIdentity = {
  /** Configured login provider id, e.g. 'elearning', 'wechat-weixuetong', 'phone'. */
  providerId: string;
  /** Primary first: ('elearning', sub) or ('wechat:<appid>', openid), then ('wechat-union', …). */
  identities: IdentityKey[];
  name?: string;
  /** E.164; `verified` only when the upstream says it confirmed the number. */
  phone?: { number: string; verified: boolean };
  allowSignup: boolean;
};

export type LoginDecision =
  | { kind: 'signed-in'; accountId: string; created: boolean }
  | { kind: 'prove-ownership'; candidateAccountId: string; via: Array<'sms' | string> }
  | { kind: 'refused'; code: string; message: string };

export type LinkOutcome =
  | { kind: 'linked'; accountId: string; added: string[] }
  | { kind: 'refused'; code: string; message: string };

export type LinkRulesDeps = {
  accounts: AccountStore;
  links: IdentityLinks;
  audit: AuditLog;
  /** The configured login provider that signs in with identities of this kind, if any. */
  providerIdFor?: (identityProvider: string) => string | undefined;
};

/** Where the login came from; `method` (e.g. `sms`) only refines the audit row. */
export type LoginContext = { ip?: string; method?: string };

export const REFUSALS = {
  identity_conflict:
    'These sign-in details belong to two different hub accounts. Sign in with one of them ' +
    'and unlink the other there, or ask the hub administrators for help.',
  identity_taken:
    'This sign-in is already linked to another hub account. Sign in with it, unlink it ' +
    'there, then link it here.',
  account_disabled: 'This hub account is disabled. Ask the hub administrators for help.',
  signup_closed:
    'New accounts cannot be created with this way of signing in. Sign in another way, or ask ' +
    'the hub administrators for an account.',
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/**
 * Decides what a login with an upstream identity leads to, following the linking rules:
 * a known identity signs in; an unknown one whose *verified* phone belongs to an account must
 * first prove ownership of that account; otherwise a new account is made (when allowed).
 * An unverified phone is never looked up, so the answer cannot reveal who is registered.
 * Writes the audit rows itself; callers add none.
 */
export async function decideLogin(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
  context: LoginContext,
): Promise<LoginDecision> {
  const known = await deps.accounts.findIdentities(identity.identities);
  const owners = [...new Set(known.map((row) => row.accountId))];

  if (owners.length > 1) {
    return refuse(deps, identity, context, 'identity_conflict', owners);
  }
  const [owner] = owners;
  if (owner) return signInKnown(deps, owner, identity, context);

  const proof = await proofNeeded(deps, identity);
  if (proof) return { kind: 'prove-ownership', ...proof };

  if (!identity.allowSignup) return refuse(deps, identity, context, 'signup_closed', []);
  return createAccount(deps, identity, context, { withPhone: true });
}

/**
 * Which account a pending identity must prove it owns, and how it can; undefined when no
 * proof is needed (any more). Changes nothing, so a proof page can ask it on every request.
 */
export async function proofNeeded(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
): Promise<{ candidateAccountId: string; via: string[] } | undefined> {
  const known = await deps.accounts.findIdentities(identity.identities);
  if (known.length > 0) return undefined;

  const claimed = await accountHoldingVerifiedPhone(deps, identity);
  if (!claimed) return undefined;
  return {
    candidateAccountId: claimed.id,
    via: await proofMethods(deps, claimed, identity.providerId),
  };
}

/**
 * Proof by login: the parent, asked to prove they own the account a pending identity points
 * to, signed in with one of its providers. When that login landed in the candidate account,
 * the pending identity is linked to it; any other account links nothing.
 * The upstream callback calls it whenever the browser has a `pendingLink`.
 */
export async function linkPendingAfterLogin(
  deps: LinkRulesDeps,
  pending: VerifiedIdentity,
  signedInAccountId: string,
  context: LoginContext & { via: string },
): Promise<LinkOutcome | undefined> {
  const proof = await proofNeeded(deps, pending);
  if (proof?.candidateAccountId !== signedInAccountId) return undefined;
  return linkTo(deps, signedInAccountId, pending, context);
}

/**
 * The parent chose "create a separate account" instead of proving they own the account that
 * holds their phone: the new account gets the upstream identities but never the phone.
 */
export async function createSeparateAccount(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
  context: LoginContext,
): Promise<LoginDecision> {
  const known = await deps.accounts.findIdentities(identity.identities);
  if (known.length > 0) return decideLogin(deps, identity, context);
  if (!identity.allowSignup) return refuse(deps, identity, context, 'signup_closed', []);
  return createAccount(deps, identity, context, { withPhone: false });
}

/** A signed-in parent links another provider from the account page. Never merges accounts. */
export function linkToSignedInAccount(
  deps: LinkRulesDeps,
  accountId: string,
  identity: VerifiedIdentity,
  context: LoginContext,
): Promise<LinkOutcome> {
  return linkTo(deps, accountId, identity, { ...context, via: 'signed-in' });
}

/**
 * Links after the parent proved they own the candidate account (an SMS code to its phone, or
 * a login with one of its providers), then signs them in to it.
 */
export async function linkAfterProof(
  deps: LinkRulesDeps,
  candidateAccountId: string,
  identity: VerifiedIdentity,
  context: LoginContext & { via: string },
): Promise<LoginDecision> {
  const outcome = await linkTo(deps, candidateAccountId, identity, context);
  if (outcome.kind === 'refused') return outcome;
  return { kind: 'signed-in', accountId: candidateAccountId, created: false };
}

async function linkTo(
  deps: LinkRulesDeps,
  accountId: string,
  identity: VerifiedIdentity,
  context: LoginContext & { via: string },
): Promise<LinkOutcome> {
  const account = await deps.accounts.findById(accountId);
  if (account?.status !== 'active') {
    return refuse(deps, identity, context, 'account_disabled', [accountId]);
  }

  const known = await deps.accounts.findIdentities(identity.identities);
  const elsewhere = known.filter((row) => row.accountId !== accountId);
  if (elsewhere.length > 0) {
    return refuse(deps, identity, context, 'identity_taken', [accountId, elsewhere[0]?.accountId]);
  }

  const missing = identity.identities.filter((key) => !known.some((row) => sameIdentity(key, row)));
  try {
    await deps.links.link(
      accountId,
      missing.map((key) => ({ ...key, verified: true })),
      linkContext(identity, context, accountId),
    );
  } catch (error) {
    if (error instanceof IdentityTaken) {
      return refuse(deps, identity, context, 'identity_taken', [accountId]);
    }
    throw error;
  }
  await deps.links.touch(identity.identities);
  return { kind: 'linked', accountId, added: missing.map((key) => key.provider) };
}

async function signInKnown(
  deps: LinkRulesDeps,
  accountId: string,
  identity: VerifiedIdentity,
  context: LoginContext,
): Promise<LoginDecision> {
  const account = await deps.accounts.findById(accountId);
  if (account?.status !== 'active') {
    return refuse(deps, identity, context, 'account_disabled', [accountId]);
  }

  // A secondary identity seen for the first time (a unionid WeChat only now returns, or the
  // openid of another app id under a known unionid) joins the account that owns the others.
  const linked = await linkTo(deps, accountId, identity, { ...context, via: 'login' });
  if (linked.kind === 'refused') {
    return { kind: 'refused', code: 'identity_conflict', message: REFUSALS.identity_conflict };
  }

  await deps.audit.write({
    action: 'login.succeeded',
    actorAccountId: accountId,
    subjectAccountId: accountId,
    provider: identity.providerId,
    ip: context.ip,
    detail: context.method ? { method: context.method } : undefined,
  });
  return { kind: 'signed-in', accountId, created: false };
}

async function createAccount(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
  context: LoginContext,
  options: { withPhone: boolean },
): Promise<LoginDecision> {
  const claimed = identity.phone;
  const phone =
    options.withPhone &&
    claimed?.verified &&
    !identity.identities.some((key) => key.provider === 'phone' && key.subject === claimed.number)
      ? [{ provider: 'phone', subject: claimed.number, verified: true }]
      : [];

  let account: Account;
  try {
    account = await deps.accounts.create({
      name: identity.name?.trim().slice(0, 100) || null,
      identities: [...identity.identities.map((key) => ({ ...key, verified: true })), ...phone],
    });
  } catch (error) {
    // Two first logins of the same person raced, or someone took the phone meanwhile:
    // deciding again finds what the other request created.
    if (isUniqueViolation(error) && (await takenMeanwhile(deps, identity))) {
      return decideLogin(deps, identity, context);
    }
    throw error;
  }
  await deps.links.touch(identity.identities);

  await deps.audit.write({
    action: 'account.created',
    actorAccountId: account.id,
    subjectAccountId: account.id,
    provider: identity.providerId,
    ip: context.ip,
    detail: {
      identityProviders: identity.identities.map((key) => key.provider),
      withPhone: phone.length > 0,
      method: context.method,
    },
  });
  return { kind: 'signed-in', accountId: account.id, created: true };
}

async function takenMeanwhile(deps: LinkRulesDeps, identity: VerifiedIdentity) {
  const known = await deps.accounts.findIdentities(identity.identities);
  return known.length > 0 || (await accountHoldingVerifiedPhone(deps, identity)) !== undefined;
}

async function accountHoldingVerifiedPhone(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
): Promise<Account | undefined> {
  if (!identity.phone?.verified) return undefined;
  return deps.accounts.findByIdentity('phone', identity.phone.number);
}

/**
 * SMS to the account's phone; its password (`phone`, the phone login provider) when it has
 * one; then every other configured provider it already has.
 */
async function proofMethods(
  deps: LinkRulesDeps,
  account: Account,
  pendingProviderId: string,
): Promise<string[]> {
  const methods = account.passwordHash ? ['sms', 'phone'] : ['sms'];
  for (const row of await deps.accounts.identitiesOf(account.id)) {
    const providerId = deps.providerIdFor?.(row.provider);
    if (providerId && providerId !== pendingProviderId && !methods.includes(providerId)) {
      methods.push(providerId);
    }
  }
  return methods;
}

function linkContext(
  identity: VerifiedIdentity,
  context: LoginContext & { via: string },
  accountId: string,
): LinkContext {
  return {
    ip: context.ip,
    providerId: identity.providerId,
    actorAccountId: accountId,
    via: context.via,
  };
}

async function refuse(
  deps: LinkRulesDeps,
  identity: VerifiedIdentity,
  context: LoginContext & { via?: string },
  code: RefusalCode,
  accountIds: Array<string | undefined>,
): Promise<{ kind: 'refused'; code: RefusalCode; message: string }> {
  const linking = code === 'identity_conflict' || code === 'identity_taken';
  await deps.audit.write({
    action: linking ? 'link.refused' : 'login.refused',
    subjectAccountId: accountIds[0] ?? null,
    provider: identity.providerId,
    ip: context.ip,
    detail: {
      code,
      identityProviders: identity.identities.map((key) => key.provider),
      otherAccountId: accountIds[1],
      via: context.via,
    },
  });
  return { kind: 'refused', code, message: REFUSALS[code] };
}
