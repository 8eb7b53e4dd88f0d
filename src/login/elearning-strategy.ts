import type { Request } from 'express';
import * as client from 'openid-client';
import { type AuthenticateOptions, Strategy } from 'openid-client/passport';
import { normalisePhone } from '../accounts/phone.js';
import type { UpstreamProfile } from './login-provider.js';
import { UpstreamLoginError } from './upstream-login-error.js';

/**
 * openid-client's passport strategy, asked to always send `state` and `nonce`: by default it
 * sends them only when the upstream lacks PKCE. The strategy stores both in the session and
 * checks them on the callback, so a response from another attempt is refused even if the
 * upstream's PKCE support were misreported.
 */
export class ElearningStrategy extends Strategy {
  override authorizationRequestParams<T extends AuthenticateOptions>(req: Request, options: T) {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }

  // Only the callback route verifies; anything else reaching the strategy starts a login.
  override shouldInitiateAuthRequest(req: Request): boolean {
    return !req.path.endsWith('/callback');
  }
}

/** The identity and claims E-learning-net vouches for in its ID token. */
export function elearningProfile(
  providerId: string,
  claims: { sub?: unknown; [claim: string]: unknown },
): UpstreamProfile {
  if (typeof claims.sub !== 'string' || !claims.sub)
    throw new UpstreamLoginError('upstream_error', 'ID token without sub');

  const profile: UpstreamProfile = { identities: [{ provider: providerId, subject: claims.sub }] };
  if (typeof claims.name === 'string' && claims.name.trim()) profile.name = claims.name.trim();

  const number = typeof claims.phone_number === 'string' && normalisePhone(claims.phone_number);
  if (number) {
    profile.phone = { number, verified: claims.phone_number_verified === true };
  }
  return profile;
}
