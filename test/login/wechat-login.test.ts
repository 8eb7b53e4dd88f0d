import assert from 'node:assert/strict';
import { WEB_SESSION_COOKIE } from '../../src/http/web-session.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { capturingLogger, freePort, startTestHub, type TestHub } from '../helpers/test-hub.js';
import { answerWechat, clickProvider, failureCode } from '../helpers/upstream-login.js';
import {
  type StandinApp,
  startWechatStandin,
  wechatProviderConfig,
} from '../helpers/wechat-standin.js';

const WEIXUETONG: StandinApp = {
  appId: 'wxa000weixuetong',
  appSecret: 'weixuetong-app-secret-value',
  unionid: true,
};
const LICENCE: StandinApp = { appId: 'wxb000licence001', appSecret: 'sb-2', unionid: true };
const CLASSROOM: StandinApp = { appId: 'wxc000classroom1', appSecret: 'sc-3', unionid: false };
const LIBRARY: StandinApp = { appId: 'wxd000library001', appSecret: 'sd-4', unionid: false };
const CLOSED: StandinApp = { appId: 'wxe000closed0001', appSecret: 'se-5', unionid: false };

describeOnEachDatabase('signing in with WeChat through the hub', (db) => {
  let wechat: Awaited<ReturnType<typeof startWechatStandin>>;
  let hub: TestHub;
  let app: TestApp;
  let people = 0;
  const logged = capturingLogger();

  before(async () => {
    wechat = await startWechatStandin([WEIXUETONG, LICENCE, CLASSROOM, LIBRARY, CLOSED]);
    const providers = [
      { id: 'phone', kind: 'phone' },
      wechatProviderConfig(wechat.url, WEIXUETONG, { timeoutMs: 1000 }),
      wechatProviderConfig(wechat.url, LICENCE, { id: 'wechat-licence' }),
      wechatProviderConfig(wechat.url, CLASSROOM, { id: 'wechat-classroom', scope: 'snsapi_base' }),
      wechatProviderConfig(wechat.url, LIBRARY, { id: 'wechat-library' }),
      wechatProviderConfig(wechat.url, CLOSED, { id: 'wechat-closed', allowSignup: false }),
    ];
    hub = await startTestHub(
      db().url,
      { HUB_SEED_DEMO: 'false', HUB_LOGIN_PROVIDERS: JSON.stringify(providers) },
      { log: logged.log },
    );
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
  });

  afterEach(() => {
    wechat.standin.delayMs = 0;
    wechat.standin.failNextTokenWith = undefined;
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await wechat?.close();
  });

  function newPerson(): string {
    people += 1;
    return `parent-${people}-${Date.now()}`;
  }

  async function openLogin(agent: UserAgent, extra: Record<string, string> = {}) {
    const start = await startAuthorization(app, extra);
    const loginPage = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.equal(loginPage.status, 200, 'the hub shows its login page');
    return { start, loginPage };
  }

  /** A whole login at the app through WeChat; returns the account id the app receives. */
  async function signIn(person: string, providerId = 'wechat-weixuetong') {
    const agent = new UserAgent();
    const { start, loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, providerId);
    const back = await answerWechat(agent, authorize, { person, stopAt: app.redirectUri });
    assert.ok(back.stopped, `the login reached the app: ${back.status} ${back.body}`);
    const tokens = await redeem(app, back.url, start);
    return String(tokens.claims()?.sub);
  }

  /** Starts a login and answers WeChat, stopping when WeChat sends the browser back. */
  async function untilCallback(agent: UserAgent, person: string) {
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const back = await answerWechat(agent, authorize, {
      person,
      stopAt: `${hub.url}/login/wechat-weixuetong/callback`,
    });
    assert.ok(back.stopped);
    return back.url;
  }

  async function identitiesOf(accountId: string) {
    const rows = await hub.hub.knex('identities').where({ account_id: accountId });
    return rows.map((row) => `${row.provider} ${row.subject}`).sort();
  }

  it('the login page offers a button for each configured WeChat account', async () => {
    const { loginPage } = await openLogin(new UserAgent());
    for (const id of ['wechat-weixuetong', 'wechat-licence', 'wechat-classroom']) {
      assert.match(loginPage.body, new RegExp(`id="login-${id}"[^>]*href="/login/${id}/start`));
    }
    assert.match(loginPage.body, /id="password-login"/, 'phone login is still offered');
  });

  it('only the upstream login routes set the browser session cookie, httpOnly and lax', async () => {
    const agent = new UserAgent();
    const sessionCookies = (response: Response) =>
      response.headers.getSetCookie().filter((cookie) => cookie.startsWith(WEB_SESSION_COOKIE));

    const { loginPage } = await openLogin(agent);
    const uid = new URL(loginPage.url).pathname.split('/').at(-1) ?? '';
    const wechatStart = await agent.request(
      `${hub.url}/login/wechat-weixuetong/start?interaction=${uid}`,
    );
    assert.equal(wechatStart.status, 302);
    assert.ok(wechatStart.headers.get('location')?.startsWith(wechat.url));
    const [cookie] = sessionCookies(wechatStart);
    assert.match(cookie ?? '', /HttpOnly/i);
    assert.match(cookie ?? '', /SameSite=Lax/i);

    // The session rolls on every response where it is mounted; with the cookie in hand, the
    // OpenID endpoints and the login page must not touch it.
    const start = await startAuthorization(app, { prompt: 'login' });
    const auth = await agent.request(start.url);
    assert.deepEqual(sessionCookies(auth), [], '/oidc/auth leaves it alone');
    const page = await agent.request(new URL(auth.headers.get('location') ?? '', hub.url).href);
    assert.deepEqual(sessionCookies(page), [], 'the login page leaves it alone');
    const discovery = await agent.request(`${hub.url}/.well-known/openid-configuration`);
    assert.deepEqual(sessionCookies(discovery), [], 'discovery leaves it alone');
  });

  it('a first WeChat login creates an account with the openid and unionid, and the next finds it', async () => {
    const person = newPerson();
    const first = await signIn(person);

    assert.deepEqual(await identitiesOf(first), [
      `wechat-union ${wechat.standin.unionidOf(person)}`,
      `wechat:${WEIXUETONG.appId} ${wechat.standin.openidOf(WEIXUETONG.appId, person)}`,
    ]);
    const account = await hub.hub.knex('accounts').where({ id: first }).first();
    assert.equal(account.name, person, 'the WeChat nickname becomes the account name');

    assert.equal(await signIn(person), first, 'the second login lands on the same account');
  });

  it('the same person through another official account with the same unionid lands on the same account', async () => {
    const person = newPerson();
    const viaWeixuetong = await signIn(person);
    const viaLicence = await signIn(person, 'wechat-licence');

    assert.equal(viaLicence, viaWeixuetong);
    assert.ok(
      (await identitiesOf(viaWeixuetong)).includes(
        `wechat:${LICENCE.appId} ${wechat.standin.openidOf(LICENCE.appId, person)}`,
      ),
    );
  });

  it('two official accounts without unionid keep the same person on two separate accounts', async () => {
    const person = newPerson();
    const viaClassroom = await signIn(person, 'wechat-classroom');
    const viaLibrary = await signIn(person, 'wechat-library');

    assert.notEqual(viaClassroom, viaLibrary, 'openids of two app ids are never equated');
    assert.deepEqual(await identitiesOf(viaClassroom), [
      `wechat:${CLASSROOM.appId} ${wechat.standin.openidOf(CLASSROOM.appId, person)}`,
    ]);
  });

  it('a WeChat answer carrying another browser’s state is refused and its code never redeemed', async () => {
    const attackerCallback = await untilCallback(new UserAgent(), newPerson());
    const code = new URL(attackerCallback).searchParams.get('code');

    const victim = new UserAgent();
    const { loginPage } = await openLogin(victim);
    await clickProvider(victim, loginPage, 'wechat-weixuetong');
    const page = await victim.navigate(attackerCallback, { stopAt: app.redirectUri });

    assert.equal(page.status, 400);
    assert.equal(failureCode(page), 'upstream_state_mismatch');
    assert.ok(!wechat.standin.tokenCalls.includes(code ?? ''), 'the code was not exchanged');
  });

  it('a replayed callback is refused, and a code WeChat already redeemed gives the code page', async () => {
    const agent = new UserAgent();
    const callback = await untilCallback(agent, newPerson());
    const done = await agent.navigate(callback, { stopAt: app.redirectUri });
    assert.ok(done.stopped, 'the first use signs in');

    const replay = await agent.navigate(callback, { stopAt: app.redirectUri });
    assert.equal(failureCode(replay), 'upstream_state_mismatch', 'the state was used up');

    // The same code under the fresh state of a new attempt reaches WeChat, which says 40163.
    const { loginPage } = await openLogin(agent, { prompt: 'login' });
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const freshState = new URL(authorize.url).searchParams.get('state') ?? '';
    const reused = new URL(callback);
    reused.searchParams.set('state', freshState);
    const page = await agent.navigate(reused.href, { stopAt: app.redirectUri });

    assert.equal(page.status, 400);
    assert.equal(failureCode(page), 'upstream_code_invalid');
  });

  it('a parent who refuses on WeChat gets a page saying so, with a way back to the login page', async () => {
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const page = await answerWechat(agent, authorize, { person: newPerson(), decision: 'refuse' });

    assert.equal(page.status, 403);
    assert.equal(failureCode(page), 'upstream_refused');
    assert.match(page.body, /href="\/interaction\/[\w-]+"/, 'a link back to the login page');
  });

  it('an errcode answer from WeChat gives a page naming it, and no account', async () => {
    const before = await hub.hub.knex('accounts').count({ n: '*' }).first();
    wechat.standin.failNextTokenWith = { errcode: 45011, errmsg: 'api minute-quota reach limit' };

    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const page = await answerWechat(agent, authorize, { person: newPerson() });

    assert.equal(page.status, 502);
    assert.equal(failureCode(page), 'upstream_upstream_error');
    assert.match(page.body, /45011/);
    const after = await hub.hub.knex('accounts').count({ n: '*' }).first();
    assert.equal(Number(after?.n), Number(before?.n));
  });

  it('WeChat not answering in time gives the timeout page', async () => {
    wechat.standin.delayMs = 3000;
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const page = await answerWechat(agent, authorize, { person: newPerson() });

    assert.equal(page.status, 504);
    assert.equal(failureCode(page), 'upstream_timeout');
  });

  it('a snapshot (virtual) WeChat user is refused with a page explaining what to do', async () => {
    const person = newPerson();
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const page = await answerWechat(agent, authorize, { person, snapshot: true });

    assert.equal(page.status, 403);
    assert.equal(failureCode(page), 'upstream_snapshot_user');
    assert.match(page.body, /使用完整服务/);
    const openid = wechat.standin.openidOf(WEIXUETONG.appId, person);
    assert.equal(await hub.hub.knex('identities').where({ subject: openid }).first(), undefined);
  });

  it('a provider that may not create accounts refuses a WeChat user the hub does not know', async () => {
    const person = newPerson();
    const agent = new UserAgent();
    const { loginPage } = await openLogin(agent);
    const authorize = await clickProvider(agent, loginPage, 'wechat-closed');
    const page = await answerWechat(agent, authorize, { person });

    assert.equal(page.status, 403);
    assert.equal(failureCode(page), 'signup_closed');
    const openid = wechat.standin.openidOf(CLOSED.appId, person);
    assert.equal(await hub.hub.knex('identities').where({ subject: openid }).first(), undefined);
  });

  it('the hub logs each WeChat login without the app secret, the code or the access token', async () => {
    const from = logged.lines.length;
    await signIn(newPerson());
    const lines = logged.lines.slice(from).join('');

    assert.match(lines, /login\.upstream_verified/, 'the login itself is logged');
    const code = wechat.standin.tokenCalls.at(-1) ?? '';
    const accessToken = wechat.standin.accessTokens.at(-1) ?? '';
    assert.ok(code && accessToken);
    for (const secret of [WEIXUETONG.appSecret, code, accessToken]) {
      assert.ok(!lines.includes(secret), 'a secret value reached the log');
    }
  });
});

describeOnEachDatabase('a WeChat login across two hub processes', (db) => {
  let wechat: Awaited<ReturnType<typeof startWechatStandin>>;
  let one: TestHub;
  let two: TestHub;
  let app: TestApp;

  before(async () => {
    wechat = await startWechatStandin([WEIXUETONG]);
    const port = await freePort();
    // Both answer for one public URL, as behind a load balancer, on one database.
    const env = {
      HUB_SEED_DEMO: 'false',
      HUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      HUB_LOGIN_PROVIDERS: JSON.stringify([wechatProviderConfig(wechat.url, WEIXUETONG)]),
    };
    one = await startTestHub(db().url, env, { port });
    two = await startTestHub(db().url, env);
    app = await registerTestApp(one.url, one.hub.knex);
  });

  after(async () => {
    await app?.close();
    await two?.close();
    await one?.close();
    await wechat?.close();
  });

  it('is started on one process and finished on the other', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const loginPage = await agent.navigate(start.url, { stopAt: app.redirectUri });
    const authorize = await clickProvider(agent, loginPage, 'wechat-weixuetong');
    const back = await answerWechat(agent, authorize, {
      person: 'travelling-parent',
      stopAt: `${one.url}/login/`,
    });
    assert.ok(back.stopped);

    // The balancer sends the callback to process two, with the same browser cookies.
    const hostOne = new URL(one.url).host;
    const hostTwo = new URL(two.url).host;
    for (const [name, value] of agent.cookies(hostOne)) agent.cookies(hostTwo).set(name, value);
    const callback = new URL(back.url);
    callback.host = hostTwo;
    const done = await agent.navigate(callback.href, { stopAt: app.redirectUri });

    assert.ok(done.stopped, `the login reached the app: ${done.status} ${done.body}`);
    const tokens = await redeem(app, done.url, start);
    const openid = wechat.standin.openidOf(WEIXUETONG.appId, 'travelling-parent');
    const identity = await one.hub.knex('identities').where({ subject: openid }).first();
    assert.equal(tokens.claims()?.sub, identity?.account_id);
  });
});
