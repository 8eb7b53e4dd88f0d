import * as oidc from 'openid-client';
import type { Operation } from '../load.js';

/** A machine app asks for an access token with its own id and secret, again and again. */
export function clientCredentials(config: oidc.Configuration) {
  return async (): Promise<Operation> => async () => {
    const tokens = await oidc.clientCredentialsGrant(config);
    if (!tokens.access_token) throw new Error('no access token');
  };
}
