import * as oidc from 'openid-client';
import type { Operation } from '../load.js';

/**
 * Each virtual user holds one refresh token and refreshes it back to back. Tokens rotate, so
 * every answer's refresh token is the one the next request presents.
 */
export function refreshGrant(
  config: oidc.Configuration,
  firstToken: (user: number) => Promise<string>,
) {
  return async (user: number): Promise<Operation> => {
    let refreshToken = await firstToken(user);
    return async () => {
      const tokens = await oidc.refreshTokenGrant(config, refreshToken);
      if (!tokens.refresh_token) throw new Error('the refresh answer had no new refresh token');
      refreshToken = tokens.refresh_token;
    };
  };
}
