import * as oidc from 'openid-client';
import type { BenchApp } from './seed.js';

/** An app's openid-client configuration against an issuer, as a learning app would hold it. */
export async function appConfiguration(issuer: string, app: BenchApp): Promise<oidc.Configuration> {
  const { client_id, client_secret } = app.metadata;
  return oidc.discovery(
    new URL(issuer),
    client_id,
    undefined,
    oidc.ClientSecretBasic(String(client_secret)),
    { execute: [oidc.allowInsecureRequests] },
  );
}

export type AuthorizationStart = { url: string; verifier: string; state: string; nonce: string };

export async function startAuthorization(
  config: oidc.Configuration,
  app: BenchApp,
  extra: Record<string, string> = {},
): Promise<AuthorizationStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
    scope: 'openid profile phone',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: url.href, verifier, state, nonce };
}

export function redeem(config: oidc.Configuration, callbackUrl: string, start: AuthorizationStart) {
  return oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });
}
