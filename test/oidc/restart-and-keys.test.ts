import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { rotateSigningKeys } from '../../src/oidc/signing-keys.js';
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

const PARENT = { phone: '+8613700000003', password: 'correct horse 3' };

async function publishedKids(hubUrl: string): Promise<string[]> {
  const response = await fetch(`${hubUrl}/oidc/jwks`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string; d?: string }> };
  assert.ok(
    keys.every((key) => key.d === undefined),
    'no private key material is published',
  );
  return keys.map((key) => key.kid);
}

describeOnEachDatabase('restarting the hub and rotating keys', (db) => {
  let hub: TestHub;
  let app: TestApp;
  let port: number;

  async function restart() {
    await hub.close();
    // Let the test's HTTP client see its kept-alive sockets close before it sends again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' }, { port });
  }

  before(async () => {
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' });
    port = Number(new URL(hub.url).port);
    app = await registerTestApp(hub.url, hub.hub.knex);
    await createParent(hub.hub.knex, PARENT);
  });

  after(async () => {
    await app?.close();
    await hub?.close();
  });

  it('keeps its signing keys and honours tokens issued before a restart', async () => {
    const kidsBefore = await publishedKids(hub.url);
    const start = await startAuthorization(app);
    const tokens = await redeem(
      app,
      await loginWithPassword(new UserAgent(), app, start, PARENT),
      start,
    );

    await restart();

    assert.deepEqual(await publishedKids(hub.url), kidsBefore);
    const userinfo = await oidc.fetchUserInfo(
      app.config,
      tokens.access_token,
      tokens.claims()?.sub as string,
    );
    assert.equal(userinfo.phone_number, PARENT.phone);
    const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token as string);
    assert.equal(refreshed.claims()?.sub, tokens.claims()?.sub);
  });

  it('a rotated key signs new tokens while the old key stays published for old ones', async () => {
    const start = await startAuthorization(app);
    const old = await redeem(
      app,
      await loginWithPassword(new UserAgent(), app, start, PARENT),
      start,
    );
    const oldKid = decodeProtectedHeader(old.id_token as string).kid as string;

    const newKid = await rotateSigningKeys(hub.hub.knex, 30);
    await restart();

    const kids = await publishedKids(hub.url);
    assert.ok(kids.includes(oldKid) && kids.includes(newKid), 'both keys are published');

    const again = await startAuthorization(app);
    const fresh = await redeem(
      app,
      await loginWithPassword(new UserAgent(), app, again, PARENT),
      again,
    );
    assert.equal(decodeProtectedHeader(fresh.id_token as string).kid, newKid);

    const jwks = createRemoteJWKSet(new URL(`${hub.url}/oidc/jwks`));
    await jwtVerify(old.id_token as string, jwks, { issuer: hub.url });
  });
});
