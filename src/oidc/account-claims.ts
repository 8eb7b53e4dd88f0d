import type { Account as OidcAccount, FindAccount } from 'oidc-provider';
import type { AccountStore } from '../accounts/account-store.js';

/**
 * Resolves `sub` (the hub account id) to the claims apps may ask for: `name` with the
 * profile scope, `phone_number` and `phone_number_verified` with the phone scope.
 */
export function createFindAccount(accounts: AccountStore): FindAccount {
  return async (_ctx, sub): Promise<OidcAccount | undefined> => {
    const account = await accounts.findById(sub);
    if (account?.status !== 'active') return undefined;

    return {
      accountId: account.id,
      async claims() {
        const identities = await accounts.identitiesOf(account.id);
        const phone =
          identities.find((identity) => identity.provider === 'phone' && identity.verified) ??
          identities.find((identity) => identity.provider === 'phone');
        return {
          sub: account.id,
          name: account.name ?? undefined,
          ...(phone ? { phone_number: phone.subject, phone_number_verified: phone.verified } : {}),
        };
      },
    };
  };
}
