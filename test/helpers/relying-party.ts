import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword } from '../../src/accounts/password.js';
import { AppStore, buildClientMetadata, type NewApp } from '../../src/oidc/app-store.js';
import type { Knex } from '../../src/db/knex.js';
import { readForm, UserAgent } from './user-agent.js';

export type TestApp = {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  config: oidc.Configuration;
  /** Logout tokens the hub delivered to this app's back-channel endpoint. */
  logoutTokens: string[];
  close(): Promise<void>;
};

/**
 * Registers an app with the hub and runs its server on 127.0.0.1: the redirect URI and a
 * back-channel logout endpoint that records what the hub sends. The app side of the protocol
 * is openid-client v6, as in a real learning app.
 */
export async function registerTestApp(
  hubUrl: string,
  knex: Knex,
  app: Partial<NewApp> & { backchannel?: boolean } = {},
): Promise<TestApp> {
  const logoutTokens: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url === '/backchannel-logout') {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${origin}/cb`;

  const metadata = buildClientMetadata({
    name: app.name ?? 'Test app',
    redirectUris: app.redirectUris ?? [redirectUri],
    postLogoutRedirectUris: [`${origin}/signed-out`],
    backchannelLogoutUri: app.backchannel === false ? undefined : `${origin}/backchannel-logout`,
    isPublic: app.isPublic,
    firstParty: app.firstParty ?? true,
  });
  await new AppStore(knex).insert(metadata);

  const config = await oidc.discovery(
    new URL(hubUrl),
    metadata.client_id,
    metadata.client_secret,
    app.isPublic ? oidc.None() : undefined,
    { execute: [oidc.allowInsecureRequests] },
  );

  return {
    clientId: metadata.client_id,
    clientSecret: metadata.client_secret,
    redirectUri,
    config,
    logoutTokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What the authorization helpers need of an app: its openid-client view and redirect URI. */
export type RelyingParty = Pick<TestApp, 'config' | 'redirectUri'>;

export type AuthorizationStart = {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
};

export async function startAuthorization(
  app: RelyingParty,
  extra: Record<string, string> = {},
): Promise<AuthorizationStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(app.config, {
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

/** Signs in through the hub's login page with phone + password; returns the callback URL. */
export async function loginWithPassword(
  agent: UserAgent,
  app: TestApp,
  start: AuthorizationStart,
  credentials: { phone: string; password: string },
): Promise<string> {
  const page = await agent.navigate(start.url, { stopAt: app.redirectUri });
  if (page.stopped) return page.url;

  const { action, fields } = readForm(page.body, '/password');
  const result = await agent.navigate(new URL(action, page.url).href, {
    form: { ...fields, ...credentials },
    stopAt: app.redirectUri,
  });
  if (!result.stopped)
    throw new Error(`login did not reach the app (${result.status}): ${result.body}`);
  return result.url;
}

export function redeem(app: RelyingParty, callbackUrl: string, start: AuthorizationStart) {
  return oidc.authorizationCodeGrant(app.config, new URL(callbackUrl), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });
}

/** Creates a parent with a phone and password straight in the store. */
export async function createParent(
  hubKnex: Knex,
  input: { phone: string; password: string; name?: string },
) {
  return new AccountStore(hubKnex).create({
    name: input.name ?? '测试家长',
    passwordHash: await hashPassword(input.password),
    identities: [{ provider: 'phone', subject: input.phone, verified: true }],
  });
}

export { UserAgent };
