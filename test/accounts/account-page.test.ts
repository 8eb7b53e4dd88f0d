import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { linkToSignedInAccount } from '../../src/accounts/link-rules.js';
import { maskSubject } from '../../src/accounts/masking.js';
import { openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import * as accountLinks from '../../src/db/migrations/006-account-links.js';
import { translator } from '../../src/http/i18n.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { signInToHub } from '../helpers/hub-pages.js';
import { signedInAccountId } from '../helpers/hub-sms.js';
import {
  elearningIdentity,
  freshPhone,
  linkRulesDeps,
  wechatIdentity,
} from '../helpers/link-rules-deps.js';
import {
  createParent,
  loginWithPassword,
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { freePort, startTestHub, type TestHub } from '../helpers/test-hub.js';
import { clickProvider } from '../helpers/upstream-login.js';
import {
  answerElearning,
  elearningProviderConfig,
  startUpstreamOidc,
  UPSTREAM_CLIENT,
} from '../helpers/upstream-oidc.js';
import { readForm } from '../helpers/user-agent.js';

type Page = Awaited<ReturnType<UserAgent['navigate']>>;

const t = translator('zh-CN');

function errorText(page: Page): string | undefined {
  return page.body.match(/<p class="error" role="alert">([\s\S]*?)<\/p>/)?.[1]?.trim();
}

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let tries = 0; tries < 50; tries++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describeOnEachDatabase('the account page', (db) => {
  let hub: TestHub;
  let app: TestApp;

  before(async () => {
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      HUB_APP_HOSTS_ALLOWED: '127.0.0.1',
    });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
  });

  after(async () => {
    await app?.close();
    await hub?.close();
  });

  /** A parent with a phone and password, signed in on the account page. */
  async function parentOnAccountPage() {
    const credentials = { phone: freshPhone(), password: 'correct horse account' };
    const account = await createParent(hub.hub.knex, credentials);
    const agent = await signInToHub(hub.url, credentials, '/account');
    return { credentials, accountId: account.id, agent };
  }

  function openAccountPage(agent: UserAgent): Promise<Page> {
    return agent.navigate(`${hub.url}/account`);
  }

  function post(agent: UserAgent, page: Page, actionSuffix: string, values = {}): Promise<Page> {
    const { action, fields } = readForm(page.body, actionSuffix);
    return agent.navigate(new URL(action, page.url).href, { form: { ...fields, ...values } });
  }

  async function identityId(accountId: string, provider: string): Promise<number> {
    const row = (
      await hub.hub.knex('identities').where({ account_id: accountId, provider }).first()
    )?.id;
    assert.ok(row, `the account has a ${provider} identity`);
    return Number(row);
  }

  it('sends a browser without a hub session to sign in first', async () => {
    const page = await new UserAgent().navigate(`${hub.url}/account`);

    assert.equal(page.status, 200);
    assert.ok(readForm(page.body, '/password'), 'the hub login page is shown');
  });

  it('lists every linked identity with its provider, a masked subject and when it was linked', async () => {
    const parent = await parentOnAccountPage();
    const wechat = wechatIdentity({ openid: 'oWX-openid-1234567' });
    await linkToSignedInAccount(linkRulesDeps(hub.hub.knex), parent.accountId, wechat, {});

    const page = await openAccountPage(parent.agent);

    assert.equal(page.status, 200);
    const masked = `+86 ${parent.credentials.phone.slice(3, 6)}****${parent.credentials.phone.slice(-4)}`;
    assert.ok(page.body.includes(masked), 'the phone is shown masked');
    assert.ok(!page.body.includes(parent.credentials.phone), 'never the whole phone number');
    assert.ok(page.body.includes('oWX…567'), 'the openid is shown masked');
    assert.ok(!page.body.includes('oWX-openid-1234567'));
    assert.ok(page.body.includes(t('provider.phone')));
    assert.ok(page.body.includes(t('provider.wechat')));
    assert.equal(page.body.match(/\/unlink"/g)?.length, 2, 'each identity has an unlink form');
  });

  it('shows the page in English when the parent chooses it, and keeps the choice', async () => {
    const parent = await parentOnAccountPage();
    const en = translator('en');

    const chosen = await parent.agent.navigate(`${hub.url}/account?lang=en`);
    const later = await openAccountPage(parent.agent);

    for (const page of [chosen, later]) {
      assert.match(page.body, /<html lang="en">/);
      assert.ok(page.body.includes(`<h1>${en('account.heading')}</h1>`));
    }
    assert.ok(later.body.includes(en('account.identities')));
  });

  it('unlinks an identity and writes who did it, from where, to the audit log', async () => {
    const parent = await parentOnAccountPage();
    await linkToSignedInAccount(
      linkRulesDeps(hub.hub.knex),
      parent.accountId,
      elearningIdentity(),
      {},
    );
    const elearning = await identityId(parent.accountId, 'elearning');

    const page = await openAccountPage(parent.agent);
    const done = await post(parent.agent, page, `/identities/${elearning}/unlink`);

    assert.equal(done.status, 200);
    assert.ok(done.body.includes(t('account.unlinked')));
    const left = await hub.hub.knex('identities').where({ account_id: parent.accountId });
    assert.deepEqual(
      left.map((row) => row.provider),
      ['phone'],
    );
    const audit = await hub.hub
      .knex('audit_log')
      .where({ subject_account_id: parent.accountId, action: 'identity.unlinked' })
      .first();
    assert.equal(audit.actor_account_id, parent.accountId);
    assert.ok(audit.ip, 'the address is recorded');
    assert.deepEqual(JSON.parse(audit.detail), {
      identityProvider: 'elearning',
      via: 'account-page',
    });
  });

  it('refuses to unlink the last way to sign in, with a message that says what to do', async () => {
    const parent = await parentOnAccountPage();
    const phone = await identityId(parent.accountId, 'phone');

    const page = await openAccountPage(parent.agent);
    const refused = await post(parent.agent, page, `/identities/${phone}/unlink`);

    assert.equal(refused.status, 409);
    assert.equal(errorText(refused), t('account.lastWay'));
    assert.ok(await hub.hub.knex('identities').where({ id: phone }).first(), 'the phone stays');
  });

  it('counts the phone of an account with a password as a way to sign in', async () => {
    const parent = await parentOnAccountPage();
    await linkToSignedInAccount(
      linkRulesDeps(hub.hub.knex),
      parent.accountId,
      wechatIdentity({ unionid: `u-${parent.accountId}` }),
      {},
    );
    const page = await openAccountPage(parent.agent);

    const done = await post(
      parent.agent,
      page,
      `/identities/${await identityId(parent.accountId, 'wechat:wxdemo')}/unlink`,
    );

    assert.equal(done.status, 200, errorText(done));
    const left = await hub.hub.knex('identities').where({ account_id: parent.accountId });
    assert.deepEqual(
      left.map((row) => row.provider),
      ['phone'],
      'the unionid went with the last WeChat openid, so WeChat cannot find the account again',
    );
  });

  it('refuses an unlink without the form’s CSRF token', async () => {
    const parent = await parentOnAccountPage();
    await linkToSignedInAccount(
      linkRulesDeps(hub.hub.knex),
      parent.accountId,
      elearningIdentity(),
      {},
    );
    const elearning = await identityId(parent.accountId, 'elearning');

    const refused = await parent.agent.navigate(
      `${hub.url}/account/identities/${elearning}/unlink`,
      { form: { csrf: 'forged' } },
    );

    assert.equal(refused.status, 403);
    assert.ok(await hub.hub.knex('identities').where({ id: elearning }).first());
  });

  it('cannot unlink an identity of another account', async () => {
    const parent = await parentOnAccountPage();
    const other = await parentOnAccountPage();
    const page = await openAccountPage(parent.agent);
    const { fields } = readForm(page.body, '/unlink');

    const refused = await parent.agent.navigate(
      `${hub.url}/account/identities/${await identityId(other.accountId, 'phone')}/unlink`,
      { form: fields },
    );

    assert.equal(refused.status, 404);
    assert.equal(errorText(refused), t('account.notFound'));
  });

  it('lists the parent’s sessions with the apps they reached, and ends one everywhere', async () => {
    const parent = await parentOnAccountPage();
    const phone = new UserAgent();
    const start = await startAuthorization(app, { scope: 'openid profile offline_access' });
    const tokens = await redeem(
      app,
      await loginWithPassword(phone, app, start, parent.credentials),
      start,
    );
    assert.ok(tokens.refresh_token, 'the app holds a refresh token');
    const logoutsBefore = app.logoutTokens.length;

    const page = await openAccountPage(parent.agent);
    assert.equal(
      page.body.match(/action="\/account\/sessions\/[^"]+\/end"/g)?.length,
      2,
      'two sessions: this browser, the phone',
    );
    assert.ok(page.body.includes('Weixuetong'), 'the app the phone reached is named');
    const phoneSession = page.body.match(
      /Weixuetong[\s\S]*?action="\/account\/sessions\/([^/]+)\/end"/,
    )?.[1];
    assert.ok(phoneSession);

    const ended = await post(parent.agent, page, `/sessions/${phoneSession}/end`);

    assert.equal(ended.status, 200);
    assert.ok(ended.body.includes(t('account.sessionEnded')));
    await eventually(
      () => (app.logoutTokens.length > logoutsBefore ? true : undefined),
      'the back-channel logout',
    );
    await assert.rejects(
      oidc.refreshTokenGrant(app.config, tokens.refresh_token),
      'the app’s refresh token stopped working',
    );
    assert.equal(await signedInAccountId(phone, hub.url), undefined, 'the phone is signed out');
    assert.equal(
      await signedInAccountId(parent.agent, hub.url),
      parent.accountId,
      'this browser stays signed in',
    );
  });

  it('cannot end a session of another account', async () => {
    const parent = await parentOnAccountPage();
    const other = await parentOnAccountPage();
    const otherPage = await openAccountPage(other.agent);
    const otherSession = otherPage.body.match(/action="\/account\/sessions\/([^/]+)\/end"/)?.[1];
    const page = await openAccountPage(parent.agent);
    const { fields } = readForm(page.body, '/end');

    const refused = await parent.agent.navigate(`${hub.url}/account/sessions/${otherSession}/end`, {
      form: fields,
    });

    assert.equal(refused.status, 404);
    assert.equal(await signedInAccountId(other.agent, hub.url), other.accountId);
  });

  it('ending this browser’s own session signs it out', async () => {
    const parent = await parentOnAccountPage();
    const page = await openAccountPage(parent.agent);

    await post(parent.agent, page, '/end');

    assert.equal(await signedInAccountId(parent.agent, hub.url), undefined);
  });
});

describeOnEachDatabase('linking E-learning-net from the account page', (db) => {
  let upstream: Awaited<ReturnType<typeof startUpstreamOidc>>;
  let hub: TestHub;
  let app: TestApp;
  let people = 0;

  before(async () => {
    const hubPort = await freePort();
    upstream = await startUpstreamOidc({
      clients: [
        {
          ...UPSTREAM_CLIENT,
          redirectUris: [`http://127.0.0.1:${hubPort}/login/elearning/callback`],
        },
      ],
      people: [],
    });
    hub = await startTestHub(
      db().url,
      {
        HUB_SEED_DEMO: 'false',
        HUB_LOGIN_PROVIDERS: JSON.stringify([
          { id: 'phone', kind: 'phone' },
          elearningProviderConfig(upstream.url),
        ]),
      },
      { port: hubPort },
    );
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net' });
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await upstream?.close();
  });

  function elearningPerson(): string {
    people += 1;
    const sub = `el-${people}-${Date.now()}`;
    upstream.people.set(sub, { sub, name: `家长${people}` });
    return sub;
  }

  /** Clicks "link E-learning-net" on the account page and signs in there as `sub`. */
  async function linkFromAccountPage(agent: UserAgent, sub: string): Promise<Page> {
    const page = await agent.navigate(`${hub.url}/account`);
    const href = page.body.match(/href="(\/login\/elearning\/start\?link=1)"/)?.[1];
    assert.ok(href, 'the account page offers to link E-learning-net');
    const upstreamPage = await agent.navigate(new URL(href, page.url).href);
    return answerElearning(agent, upstreamPage, sub);
  }

  it('links E-learning-net to the signed-in account, and it then signs in to that account', async () => {
    const credentials = { phone: freshPhone(), password: 'correct horse linking' };
    const parent = await createParent(hub.hub.knex, credentials);
    const agent = await signInToHub(hub.url, credentials, '/account');
    const sub = elearningPerson();

    const back = await linkFromAccountPage(agent, sub);

    assert.equal(back.url, `${hub.url}/account`);
    assert.ok(back.body.includes(maskSubject(sub)), 'the account page lists the new link');
    const linked = await hub.hub.knex('identities').where({ provider: 'elearning', subject: sub });
    assert.equal(linked[0]?.account_id, parent.id);
    const audit = await hub.hub
      .knex('audit_log')
      .where({ subject_account_id: parent.id, action: 'identity.linked' })
      .first();
    assert.equal(audit.provider, 'elearning');
    assert.equal(JSON.parse(audit.detail).via, 'signed-in');

    const browser = new UserAgent();
    const start = await startAuthorization(app, { prompt: 'login' });
    const login = await browser.navigate(start.url, { stopAt: app.redirectUri });
    const upstreamPage = await clickProvider(browser, login, 'elearning');
    const done = await answerElearning(browser, upstreamPage, sub, app.redirectUri);
    assert.ok(done.stopped);
    assert.equal((await redeem(app, done.url, start)).claims()?.sub, parent.id);
  });

  it('refuses to link an E-learning-net account that another hub account already has', async () => {
    const taken = elearningPerson();
    const first = { phone: freshPhone(), password: 'correct horse first' };
    const firstAccount = await createParent(hub.hub.knex, first);
    await linkFromAccountPage(await signInToHub(hub.url, first, '/account'), taken);
    const second = { phone: freshPhone(), password: 'correct horse second' };
    const secondAccount = await createParent(hub.hub.knex, second);

    const refused = await linkFromAccountPage(
      await signInToHub(hub.url, second, '/account'),
      taken,
    );

    assert.equal(refused.status, 409);
    const owner = await hub.hub.knex('identities').where({ provider: 'elearning', subject: taken });
    assert.deepEqual(
      owner.map((row) => row.account_id),
      [firstAccount.id],
    );
    const audit = await hub.hub
      .knex('audit_log')
      .where({ subject_account_id: secondAccount.id, action: 'link.refused' })
      .first();
    assert.equal(JSON.parse(audit.detail).code, 'identity_taken');
  });
});

describeOnEachDatabase('sessions saved before the account-links migration', (db) => {
  it('are found by their owner once the migration has run', async () => {
    const knex = openDatabase(db().url);
    try {
      await migrateToLatest(knex);
      await accountLinks.down(knex);
      const payload = { kind: 'Session', jti: 'old-session', uid: 'old-uid', accountId: 'acc-1' };
      await knex('oidc_payloads').insert({
        model: 'Session',
        id: 'old-session',
        payload: JSON.stringify(payload),
        uid: 'old-uid',
        expires_at: Date.now() + 60_000,
      });

      await accountLinks.up(knex);

      const row = await knex('oidc_payloads')
        .where({ model: 'Session', id: 'old-session' })
        .first();
      assert.equal(row.account_id, 'acc-1');
    } finally {
      await knex.destroy();
    }
  });
});

describeOnEachDatabase('the account page while E-learning-net is down', (db) => {
  let hub: TestHub;

  before(async () => {
    const nobody = await freePort();
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      HUB_LOGIN_PROVIDERS: JSON.stringify([
        { id: 'phone', kind: 'phone' },
        elearningProviderConfig(`http://127.0.0.1:${nobody}`),
      ]),
    });
  });

  after(async () => {
    await hub?.close();
  });

  it('shows its link button greyed as unavailable, still a link a click retries', async () => {
    const credentials = { phone: freshPhone(), password: 'correct horse down' };
    await createParent(hub.hub.knex, credentials);
    const agent = await signInToHub(hub.url, credentials, '/account');

    const page = await agent.navigate(`${hub.url}/account`);

    assert.match(
      page.body,
      /class="button unavailable"\s+href="\/login\/elearning\/start\?link=1"/,
    );
  });
});
