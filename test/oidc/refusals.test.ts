import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  type AuthorizationStart,
  createParent,
  loginWithPassword,
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';

const PARENT = { phone: '+8613700000011', password: 'correct horse 11' };

/** A code-flow authorization URL with exactly the parameters given, PKCE or not. */
function authorizationUrl(app: TestApp, params: Record<string, string>): string {
  return oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: 'openid profile phone',
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    ...params,
  }).href;
}

/** The same app as seen through a configuration with another client secret. */
function withSecret(app: TestApp, secret: string): oidc.Configuration {
  const config = new oidc.Configuration(app.config.serverMetadata(), app.clientId, secret);
  oidc.allowInsecureRequests(config);
  return config;
}

describeOnEachDatabase('the hub refuses what the protocol forbids', (db) => {
  let hub: TestHub;
  let app: TestApp;
  let other: TestApp;

  before(async () => {
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
    other = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net' });
    await createParent(hub.hub.knex, PARENT);
  });

  after(async () => {
    await app?.close();
    await other?.close();
    await hub?.close();
  });

  /** Signs a parent in and returns the callback URL with a fresh code, not yet redeemed. */
  async function freshCode(start?: AuthorizationStart) {
    const begun = start ?? (await startAuthorization(app));
    const callback = await loginWithPassword(new UserAgent(), app, begun, PARENT);
    assert.ok(new URL(callback).searchParams.get('code'), 'the hub issued a code');
    return { start: begun, callback };
  }

  it('an unknown client_id gets the hub error page naming invalid_client, not a redirect', async () => {
    const url = new URL(authorizationUrl(app, {}));
    url.searchParams.set('client_id', 'no-such-app');

    const response = await new UserAgent().request(url.href);
    const body = await response.text();
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null, 'no redirect to any app');
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(body, /invalid_client/);
  });

  for (const [how, change] of [
    ['one character changed', (uri: string) => uri.replace(/\/cb$/, '/cc')],
    ['one character added', (uri: string) => `${uri}x`],
  ] as const) {
    it(`a redirect_uri with ${how} gets the hub error page and no redirect to it`, async () => {
      const wrong = change(app.redirectUri);
      assert.notEqual(wrong, app.redirectUri);
      const url = authorizationUrl(app, {
        redirect_uri: wrong,
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });

      const response = await new UserAgent().request(url);
      const body = await response.text();
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null, 'no redirect to any URI');
      assert.match(body, /invalid_redirect_uri/);
      assert.ok(!body.includes(wrong), 'the page does not link to the unregistered URI');
    });
  }

  it('an authorization request without a PKCE code_challenge is refused even for a confidential app', async () => {
    assert.ok(app.clientSecret, 'the app is confidential');
    const agent = new UserAgent();
    const state = oidc.randomState();
    const page = await agent.navigate(authorizationUrl(app, { state }), {
      stopAt: app.redirectUri,
    });

    assert.ok(page.stopped, 'the error goes back to the registered redirect URI');
    const params = new URL(page.url).searchParams;
    assert.equal(params.get('error'), 'invalid_request');
    assert.match(params.get('error_description') ?? '', /PKCE/i);
    assert.equal(params.get('code'), null, 'no code is issued');
    assert.equal(params.get('state'), state);
  });

  it('an authorization request with the plain PKCE method is refused', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const page = await new UserAgent().navigate(
      authorizationUrl(app, { code_challenge: verifier, code_challenge_method: 'plain' }),
      { stopAt: app.redirectUri },
    );
    assert.ok(page.stopped);
    const params = new URL(page.url).searchParams;
    assert.equal(params.get('error'), 'invalid_request');
    assert.equal(params.get('code'), null, 'no code is issued');
  });

  it('a wrong code_verifier at the token endpoint gets invalid_grant', async () => {
    const { start, callback } = await freshCode();
    await assert.rejects(
      oidc.authorizationCodeGrant(app.config, new URL(callback), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: start.state,
        expectedNonce: start.nonce,
      }),
      { error: 'invalid_grant' },
    );

    // The refusal was about the verifier: the same code with the right one still works.
    const tokens = await redeem(app, callback, start);
    assert.ok(tokens.access_token);
  });

  it('a code redeemed without any code_verifier gets invalid_grant', async () => {
    const { start, callback } = await freshCode();
    await assert.rejects(
      oidc.authorizationCodeGrant(app.config, new URL(callback), {
        expectedState: start.state,
        expectedNonce: start.nonce,
      }),
      { error: 'invalid_grant' },
    );

    const tokens = await redeem(app, callback, start);
    assert.ok(tokens.access_token, 'the same code with its verifier still works');
  });

  it('a replayed authorization code gets invalid_grant and revokes the tokens it gave', async () => {
    const { start, callback } = await freshCode();
    const tokens = await redeem(app, callback, start);
    const before = await oidc.tokenIntrospection(app.config, tokens.access_token);
    assert.equal(before.active, true);

    await assert.rejects(redeem(app, callback, start), { error: 'invalid_grant' });

    const after = await oidc.tokenIntrospection(app.config, tokens.access_token);
    assert.equal(after.active, false, 'the access token from the first redemption is revoked');
    await assert.rejects(
      oidc.refreshTokenGrant(app.config, tokens.refresh_token as string),
      { error: 'invalid_grant' },
      'the refresh token from the first redemption is revoked',
    );
  });

  it('a wrong client secret at the token endpoint gets invalid_client', async () => {
    const { start, callback } = await freshCode();
    await assert.rejects(
      oidc.authorizationCodeGrant(withSecret(app, 'not-the-secret'), new URL(callback), {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: start.nonce,
      }),
      { error: 'invalid_client' },
    );

    const tokens = await redeem(app, callback, start);
    assert.ok(tokens.access_token, 'the same code with the right secret still works');
  });

  it("another app cannot redeem an app's code, even with its own valid credentials", async () => {
    const { start, callback } = await freshCode();
    await assert.rejects(
      oidc.authorizationCodeGrant(other.config, new URL(callback), {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: start.nonce,
      }),
      { error: 'invalid_grant' },
    );
  });

  it('state comes back unchanged and the nonce is in the ID token', async () => {
    const { start, callback } = await freshCode();
    assert.equal(new URL(callback).searchParams.get('state'), start.state);

    const tokens = await redeem(app, callback, start);
    assert.equal(tokens.claims()?.nonce, start.nonce);
  });

  it('openid-client rejects a callback whose state was tampered with, before using the code', async () => {
    const { start, callback } = await freshCode();
    const tampered = new URL(callback);
    tampered.searchParams.set('state', oidc.randomState());

    await assert.rejects(
      oidc.authorizationCodeGrant(app.config, tampered, {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: start.nonce,
      }),
      (error: oidc.ClientError) => {
        assert.equal(error.code, 'OAUTH_INVALID_RESPONSE');
        assert.match((error.cause as Error).message, /"state"/);
        return true;
      },
    );

    // The tampered callback never reached the token endpoint: the code is still unused.
    const tokens = await redeem(app, callback, start);
    assert.equal(tokens.claims()?.nonce, start.nonce);
  });

  it('openid-client rejects an ID token whose nonce is not the one the app sent', async () => {
    const { start, callback } = await freshCode();
    await assert.rejects(
      oidc.authorizationCodeGrant(app.config, new URL(callback), {
        pkceCodeVerifier: start.verifier,
        expectedState: start.state,
        expectedNonce: oidc.randomNonce(),
      }),
      (error: oidc.ClientError) => {
        assert.equal(error.code, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
        assert.match((error.cause as Error).message, /"nonce"/);
        return true;
      },
    );
  });
});
