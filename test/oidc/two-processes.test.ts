import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  createParent,
  loginWithPassword,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { freePort, startHubProcess } from '../helpers/test-hub.js';

const PARENT = { phone: '+8613700000004', password: 'correct horse 4' };

type HubProcess = Awaited<ReturnType<typeof startHubProcess>>;

describeOnEachDatabase('two hub processes on one database', (db) => {
  let one: HubProcess;
  let two: HubProcess;
  let twoUrl: string;
  let knex: Knex;
  let app: TestApp;

  before(async function () {
    this.timeout(120_000);
    const [portOne, portTwo] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${portOne}`;
    twoUrl = `http://127.0.0.1:${portTwo}`;
    const shared = { DATABASE_URL: db().url, HUB_PUBLIC_URL: issuer, HUB_SEED_DEMO: 'false' };

    // Both start at once, as behind a load balancer: migrations, keys and secrets must
    // converge on one set in the shared database.
    [one, two] = await Promise.all([
      startHubProcess({ ...shared, PORT: String(portOne) }),
      startHubProcess({ ...shared, PORT: String(portTwo) }),
    ]);
    knex = openDatabase(db().url);
    app = await registerTestApp(issuer, knex);
    await createParent(knex, PARENT);
  });

  after(async () => {
    await app?.close();
    await knex?.destroy();
    await one?.stop();
    await two?.stop();
  });

  it('a login through one process is redeemed and refreshed through the other', async () => {
    const start = await startAuthorization(app);
    const callback = await loginWithPassword(new UserAgent(), app, start, PARENT);

    const { supportsPKCE: _method, ...metadata } = app.config.serverMetadata();
    const throughTwo = new oidc.Configuration(
      {
        ...metadata,
        token_endpoint: `${twoUrl}/oidc/token`,
        userinfo_endpoint: `${twoUrl}/oidc/me`,
      },
      app.clientId,
      app.clientSecret,
    );
    oidc.allowInsecureRequests(throughTwo);

    const tokens = await oidc.authorizationCodeGrant(throughTwo, new URL(callback), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const sub = tokens.claims()?.sub as string;
    assert.ok(sub);

    const refreshed = await oidc.refreshTokenGrant(throughTwo, tokens.refresh_token as string);
    assert.equal(refreshed.claims()?.sub, sub);

    const userinfo = await oidc.fetchUserInfo(app.config, refreshed.access_token, sub);
    assert.equal(
      userinfo.phone_number,
      PARENT.phone,
      'process one accepts what process two issued',
    );
  });

  it('both processes publish the same signing keys', async () => {
    const [jwksOne, jwksTwo] = await Promise.all(
      [one.url, twoUrl].map(async (url) => (await fetch(`${url}/oidc/jwks`)).json()),
    );
    assert.deepEqual(jwksOne, jwksTwo);
  });
});
