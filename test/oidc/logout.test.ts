import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
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
import { readForm } from '../helpers/user-agent.js';

const PARENT = { phone: '+8613700000002', password: 'correct horse 2' };
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let tries = 0; tries < 50; tries++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Signs in to `first`, then silently to `second`; returns both ID tokens. */
async function signInToBoth(agent: UserAgent, first: TestApp, second: TestApp) {
  const start = await startAuthorization(first);
  const firstTokens = await redeem(
    first,
    await loginWithPassword(agent, first, start, PARENT),
    start,
  );
  const silent = await startAuthorization(second, { prompt: 'none' });
  const page = await agent.navigate(silent.url, { stopAt: second.redirectUri });
  const secondTokens = await redeem(second, page.url, silent);
  return { firstTokens, secondTokens };
}

async function logOutAt(agent: UserAgent, app: TestApp, idToken: string) {
  const afterLogout = app.redirectUri.replace('/cb', '/signed-out');
  const url = oidc.buildEndSessionUrl(app.config, {
    id_token_hint: idToken,
    post_logout_redirect_uri: afterLogout,
  });
  const confirm = await agent.navigate(url.href);
  const { action, fields } = readForm(confirm.body, '/oidc/session/end/confirm');
  return agent.navigate(new URL(action, confirm.url).href, {
    form: { ...fields, logout: 'yes' },
    stopAt: afterLogout,
  });
}

describeOnEachDatabase('logging out everywhere at once', (db) => {
  let hub: TestHub;
  let first: TestApp;
  let second: TestApp;

  before(async () => {
    // The test apps listen on 127.0.0.1, a loopback address the provider's SSRF guard
    // refuses unless an operator allows it.
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      HUB_APP_HOSTS_ALLOWED: '127.0.0.1',
    });
    first = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
    second = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net' });
    await createParent(hub.hub.knex, PARENT);
  });

  after(async () => {
    await first?.close();
    await second?.close();
    await hub?.close();
  });

  it('logging out at one app ends the hub session and notifies every app by back-channel', async () => {
    const agent = new UserAgent();
    const { firstTokens, secondTokens } = await signInToBoth(agent, first, second);
    // oidc-provider gives each app its own sid for the same hub session.
    const sids = new Map([
      [first.clientId, firstTokens.claims()?.sid],
      [second.clientId, secondTokens.claims()?.sid],
    ]);
    assert.ok(sids.get(first.clientId) && sids.get(second.clientId), 'ID tokens carry a sid');

    const done = await logOutAt(agent, first, firstTokens.id_token as string);
    assert.ok(done.stopped, 'the hub sends the browser back to the post-logout URI');

    const jwks = createRemoteJWKSet(new URL(`${hub.url}/oidc/jwks`));
    for (const app of [first, second]) {
      const token = await eventually(() => app.logoutTokens.at(-1), 'a logout token');
      const { payload } = await jwtVerify(token, jwks, {
        issuer: hub.url,
        audience: app.clientId,
        typ: 'logout+jwt',
      });
      assert.equal(payload.sid, sids.get(app.clientId));
      assert.ok((payload.events as Record<string, unknown>)[BACKCHANNEL_EVENT]);
      assert.equal(payload.nonce, undefined);
    }

    const again = await startAuthorization(second, { prompt: 'none' });
    const page = await agent.navigate(again.url, { stopAt: second.redirectUri });
    assert.equal(new URL(page.url).searchParams.get('error'), 'login_required');
  });

  it('refuses a post-logout redirect URI the app did not register', async () => {
    const agent = new UserAgent();
    const { firstTokens } = await signInToBoth(agent, first, second);
    const url = oidc.buildEndSessionUrl(first.config, {
      id_token_hint: firstTokens.id_token as string,
      post_logout_redirect_uri: 'https://evil.example/after',
    });
    const page = await agent.navigate(url.href, { stopAt: 'https://evil.example' });
    assert.equal(page.stopped, false);
    assert.equal(page.status, 400);
  });
});

describeOnEachDatabase('back-channel logout to private addresses', (db) => {
  let hub: TestHub;
  let app: TestApp;

  before(async () => {
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Unlisted app' });
    await createParent(hub.hub.knex, PARENT);
  });

  after(async () => {
    await app?.close();
    await hub?.close();
  });

  it('is not sent to a loopback app host that the operator did not allow', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const tokens = await redeem(app, await loginWithPassword(agent, app, start, PARENT), start);

    const done = await logOutAt(agent, app, tokens.id_token as string);

    assert.ok(done.stopped, 'the logout itself still completes');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(app.logoutTokens.length, 0);
  });
});
