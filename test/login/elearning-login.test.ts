import assert from 'node:assert/strict';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { capturingLogger, freePort, startTestHub, type TestHub } from '../helpers/test-hub.js';
import {
  answerElearning,
  elearningProviderConfig,
  startUpstreamOidc,
  UPSTREAM_CLIENT,
} from '../helpers/upstream-oidc.js';
import { clickProvider, failureCode, providerButton } from '../helpers/upstream-login.js';

type Upstream = Awaited<ReturnType<typeof startUpstreamOidc>>;

describeOnEachDatabase('signing in with E-learning-net through the hub', (db) => {
  let upstream: Upstream;
  let hub: TestHub;
  let app: TestApp;
  let people = 0;

  before(async () => {
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    upstream = await startUpstreamOidc({
      clients: [
        {
          ...UPSTREAM_CLIENT,
          redirectUris: [
            `${hubUrl}/login/elearning/callback`,
            `${hubUrl}/login/elearning-staff/callback`,
          ],
        },
      ],
      people: [],
    });
    const providers = [
      { id: 'phone', kind: 'phone' },
      elearningProviderConfig(upstream.url),
      elearningProviderConfig(upstream.url, { id: 'elearning-staff', allowSignup: false }),
    ];
    hub = await startTestHub(
      db().url,
      { HUB_SEED_DEMO: 'false', HUB_LOGIN_PROVIDERS: JSON.stringify(providers) },
      { port: hubPort },
    );
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net app' });
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await upstream?.close();
  });

  /** A new person at E-learning-net; its phone is verified unless said otherwise. */
  function newPerson(phone?: { verified: boolean }) {
    people += 1;
    const sub = `el-${people}-${Date.now()}`;
    const number = `1390000${String(Date.now() % 10_000).padStart(4, '0')}`;
    upstream.people.set(sub, {
      sub,
      name: `家长${people}`,
      ...(phone ? { phone_number: number, phone_number_verified: phone.verified } : {}),
    });
    return { sub, phone: `+86${number}` };
  }

  async function openLogin(agent: UserAgent, extra: Record<string, string> = {}) {
    const start = await startAuthorization(app, extra);
    const loginPage = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.equal(loginPage.status, 200, 'the hub shows its login page');
    return { start, loginPage };
  }

  /** Goes to E-learning-net, signs in there as `sub` and stops when it sends the browser back. */
  async function untilCallback(agent: UserAgent, sub: string, providerId = 'elearning') {
    const { start, loginPage } = await openLogin(agent, { prompt: 'login' });
    const upstreamPage = await clickProvider(agent, loginPage, providerId);
    assert.ok(upstreamPage.url.startsWith(upstream.url), 'the browser is at E-learning-net');
    const back = await answerElearning(agent, upstreamPage, sub, `${hub.url}/login/`);
    assert.ok(back.stopped, `E-learning-net sent the browser back: ${back.body}`);
    return { start, callback: back.url };
  }

  async function signIn(sub: string) {
    const agent = new UserAgent();
    const { start, callback } = await untilCallback(agent, sub);
    const done = await agent.navigate(callback, { stopAt: app.redirectUri });
    assert.ok(done.stopped, `the login reached the app: ${done.status} ${done.body}`);
    const tokens = await redeem(app, done.url, start);
    return String(tokens.claims()?.sub);
  }

  async function identitiesOf(accountId: string) {
    const rows = await hub.hub.knex('identities').where({ account_id: accountId });
    return rows.map((row) => `${row.provider} ${row.subject}`).sort();
  }

  it('a first login creates an account with the E-learning-net sub and its verified phone', async () => {
    const { sub, phone } = newPerson({ verified: true });
    const accountId = await signIn(sub);

    assert.deepEqual(await identitiesOf(accountId), [`elearning ${sub}`, `phone ${phone}`]);
    const account = await hub.hub.knex('accounts').where({ id: accountId }).first();
    assert.equal(account.name, upstream.people.get(sub)?.name);
    assert.equal(await signIn(sub), accountId, 'the next login finds the same account');
  });

  it('an unverified phone from E-learning-net is not recorded on the new account', async () => {
    const { sub } = newPerson({ verified: false });
    const accountId = await signIn(sub);
    assert.deepEqual(await identitiesOf(accountId), [`elearning ${sub}`]);
  });

  it('an E-learning-net answer carrying another browser’s state is refused', async () => {
    const attacker = newPerson();
    const { callback } = await untilCallback(new UserAgent(), attacker.sub);

    const victim = new UserAgent();
    const { loginPage } = await openLogin(victim);
    await clickProvider(victim, loginPage, 'elearning');
    const page = await victim.navigate(callback, { stopAt: app.redirectUri });

    assert.equal(page.status, 400);
    assert.equal(failureCode(page), 'upstream_state_mismatch');
    const found = await hub.hub.knex('identities').where({ subject: attacker.sub }).first();
    assert.equal(found, undefined, 'no account was made for the attacker');
  });

  it('a replayed callback is refused, and a code E-learning-net already redeemed too', async () => {
    const agent = new UserAgent();
    const { callback } = await untilCallback(agent, newPerson().sub);
    const first = await agent.navigate(callback, { stopAt: app.redirectUri });
    assert.ok(first.stopped, `the first use signs in: ${first.status} ${first.body}`);

    const replay = await agent.navigate(callback, { stopAt: app.redirectUri });
    assert.equal(failureCode(replay), 'upstream_state_mismatch', 'the state was used up');

    // The old code under the state of a new attempt reaches E-learning-net's token endpoint.
    const { loginPage } = await openLogin(agent, { prompt: 'login' });
    const authorize = await agent.request(providerButton(loginPage, 'elearning') ?? '');
    await authorize.body?.cancel();
    const freshState = new URL(authorize.headers.get('location') ?? '').searchParams.get('state');
    const reused = new URL(callback);
    reused.searchParams.set('state', freshState ?? '');
    const page = await agent.navigate(reused.href, { stopAt: app.redirectUri });

    assert.equal(page.status, 400);
    assert.equal(failureCode(page), 'upstream_code_invalid');
  });

  it('a parent who refuses at E-learning-net gets a page saying so', async () => {
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const upstreamPage = await clickProvider(agent, loginPage, 'elearning');
    const page = await answerElearning(agent, upstreamPage, '');

    assert.equal(page.status, 403);
    assert.equal(failureCode(page), 'upstream_refused');
  });

  it('an instance that may not create accounts refuses a person the hub does not know', async () => {
    const { sub } = newPerson();
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const upstreamPage = await clickProvider(agent, loginPage, 'elearning-staff');
    const page = await answerElearning(agent, upstreamPage, sub);

    assert.equal(page.status, 403);
    assert.equal(failureCode(page), 'signup_closed');
    assert.equal(await hub.hub.knex('identities').where({ subject: sub }).first(), undefined);
  });
});

describeOnEachDatabase('an E-learning-net that is down when the hub starts', (db) => {
  let hub: TestHub;
  let upstream: Upstream | undefined;
  let app: TestApp;

  after(async () => {
    await app?.close();
    await hub?.close();
    await upstream?.close();
  });

  it('leaves the hub running with the button unavailable, until E-learning-net is back', async () => {
    const hubPort = await freePort();
    const upstreamPort = await freePort();
    const issuer = `http://127.0.0.1:${upstreamPort}`;
    const logged = capturingLogger();
    hub = await startTestHub(
      db().url,
      {
        HUB_SEED_DEMO: 'false',
        HUB_LOGIN_PROVIDERS: JSON.stringify([
          { id: 'phone', kind: 'phone' },
          elearningProviderConfig(issuer),
        ]),
      },
      { port: hubPort, log: logged.log },
    );
    app = await registerTestApp(hub.url, hub.hub.knex);

    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const down = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.equal(down.status, 200, 'the hub answers although E-learning-net is down');
    assert.match(down.body, /class="button unavailable"\s+id="login-elearning"/);
    assert.match(down.body, /id="password-login"/, 'phone login still works');

    const clicked = await clickProvider(agent, down, 'elearning');
    assert.equal(clicked.status, 503);
    assert.equal(failureCode(clicked), 'upstream_unavailable');
    const why = logged.lines
      .map((line) => JSON.parse(line))
      .find((entry) => {
        return entry.msg === 'login.provider_unavailable' && entry.provider === 'elearning';
      });
    assert.match(
      String(why?.reason),
      /ECONNREFUSED|fetch failed/,
      'the log says why it is unavailable',
    );

    upstream = await startUpstreamOidc({
      port: upstreamPort,
      clients: [{ ...UPSTREAM_CLIENT, redirectUris: [`${hub.url}/login/elearning/callback`] }],
      people: [{ sub: 'back-again', name: '回来的家长' }],
    });

    const retried = await clickProvider(agent, down, 'elearning');
    assert.ok(retried.url.startsWith(issuer), 'the next click reaches E-learning-net');
    const again = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.match(again.body, /class="button"\s+id="login-elearning"/, 'the button is available');
  });
});

describeOnEachDatabase('an E-learning-net that only accepts client_secret_post', (db) => {
  let hub: TestHub;
  let upstream: Upstream;
  let app: TestApp;

  before(async () => {
    const hubPort = await freePort();
    upstream = await startUpstreamOidc({
      clientAuth: 'client_secret_post',
      clients: [
        {
          ...UPSTREAM_CLIENT,
          redirectUris: [`http://127.0.0.1:${hubPort}/login/elearning/callback`],
        },
      ],
      people: [{ sub: 'post-parent', name: '家长' }],
    });
    hub = await startTestHub(
      db().url,
      {
        HUB_SEED_DEMO: 'false',
        HUB_LOGIN_PROVIDERS: JSON.stringify([elearningProviderConfig(upstream.url)]),
      },
      { port: hubPort },
    );
    app = await registerTestApp(hub.url, hub.hub.knex);
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await upstream?.close();
  });

  it('is signed in to with the client authentication its metadata offers', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const loginPage = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.doesNotMatch(loginPage.body, /id="password-login"/, 'phone login is not configured');

    const upstreamPage = await clickProvider(agent, loginPage, 'elearning');
    const done = await answerElearning(agent, upstreamPage, 'post-parent', app.redirectUri);
    assert.ok(done.stopped, `the login reached the app: ${done.status} ${done.body}`);

    const tokens = await redeem(app, done.url, start);
    const identity = await hub.hub
      .knex('identities')
      .where({ provider: 'elearning', subject: 'post-parent' })
      .first();
    assert.equal(tokens.claims()?.sub, identity?.account_id);
  });
});
