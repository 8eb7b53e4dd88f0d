import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  createParent,
  loginWithPassword,
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';

const PARENT = { phone: '+8613700000001', password: 'correct horse 1' };

describeOnEachDatabase('signing in to apps through the hub', (db) => {
  let hub: TestHub;
  let first: TestApp;
  let second: TestApp;
  let accountId: string;

  before(async () => {
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' });
    first = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
    second = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net' });
    accountId = (await createParent(hub.hub.knex, PARENT)).id;
  });

  after(async () => {
    await first?.close();
    await second?.close();
    await hub?.close();
  });

  it('discovery advertises only the code flow with PKCE S256', async () => {
    const metadata = first.config.serverMetadata();
    assert.equal(metadata.issuer, hub.url);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.ok(!metadata.grant_types_supported?.includes('password'));
    assert.ok(!metadata.grant_types_supported?.includes('implicit'));
  });

  it('a parent logs in with phone and password and the app gets an ID token for the account', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(first);
    const callback = await loginWithPassword(agent, first, start, PARENT);
    const tokens = await redeem(first, callback, start);

    const claims = tokens.claims();
    assert.equal(claims?.sub, accountId);
    assert.equal(claims?.nonce, start.nonce);
    assert.ok(tokens.refresh_token, 'a refresh token is issued');

    const userinfo = await oidc.fetchUserInfo(first.config, tokens.access_token, accountId);
    assert.equal(userinfo.phone_number, PARENT.phone);
    assert.equal(userinfo.phone_number_verified, true);
    assert.equal(userinfo.name, '测试家长');
  });

  it('the second app gets a code without any page once the parent is signed in', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(first);
    await redeem(first, await loginWithPassword(agent, first, start, PARENT), start);

    const again = await startAuthorization(second, { prompt: 'none' });
    const page = await agent.navigate(again.url, { stopAt: second.redirectUri });
    assert.ok(page.stopped, 'the hub answered with a redirect to the app, not a page');
    const tokens = await redeem(second, page.url, again);
    assert.equal(tokens.claims()?.sub, accountId);
  });

  it('prompt=none without a hub session answers login_required', async () => {
    const start = await startAuthorization(first, { prompt: 'none' });
    const page = await new UserAgent().navigate(start.url, { stopAt: first.redirectUri });
    assert.ok(page.stopped);
    const params = new URL(page.url).searchParams;
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('state'), start.state);
  });

  it('a refresh token rotates, and reusing the old one revokes the whole grant', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(first);
    const tokens = await redeem(first, await loginWithPassword(agent, first, start, PARENT), start);
    const original = tokens.refresh_token as string;

    const rotated = await oidc.refreshTokenGrant(first.config, original);
    assert.ok(rotated.refresh_token);
    assert.notEqual(rotated.refresh_token, original);

    await assert.rejects(oidc.refreshTokenGrant(first.config, original), {
      error: 'invalid_grant',
    });
    await assert.rejects(
      oidc.refreshTokenGrant(first.config, rotated.refresh_token as string),
      { error: 'invalid_grant' },
      'the newer refresh token of the same grant is revoked too',
    );
    const introspected = await oidc.tokenIntrospection(first.config, rotated.access_token);
    assert.equal(introspected.active, false, 'access tokens of the grant are revoked');
  });

  it('introspection and revocation answer for the app that owns the token', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(first);
    const tokens = await redeem(first, await loginWithPassword(agent, first, start, PARENT), start);

    const active = await oidc.tokenIntrospection(first.config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, accountId);
    assert.equal(active.client_id, first.clientId);

    await oidc.tokenRevocation(first.config, tokens.access_token);
    const revoked = await oidc.tokenIntrospection(first.config, tokens.access_token);
    assert.equal(revoked.active, false);
  });

  it('a machine app gets a token with the client credentials grant', async () => {
    const tokens = await oidc.clientCredentialsGrant(first.config);
    assert.ok(tokens.access_token);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const introspected = await oidc.tokenIntrospection(first.config, tokens.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, first.clientId);
    assert.equal(introspected.sub, undefined);
  });
});
