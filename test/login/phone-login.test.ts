import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { settings } from '../../config/settings.js';
import { translator } from '../../src/http/i18n.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  createParent,
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
  UserAgent,
} from '../helpers/relying-party.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { readForm } from '../helpers/user-agent.js';

type Page = Awaited<ReturnType<UserAgent['navigate']>>;

// The hub's default page language; the error texts below are the ones a parent reads.
const t = translator('zh-CN');
const MAX_FAILURES = Number(settings.LOGIN_MAX_FAILURES.default);

/** The text of the page's error message, or undefined when it shows none. */
function errorText(page: Page): string | undefined {
  const match = page.body.match(/<p class="error" role="alert">([\s\S]*?)<\/p>/);
  return match?.[1]?.trim();
}

function withoutDigits(text: string | undefined): string {
  return (text ?? '').replace(/\d+/g, 'N');
}

describeOnEachDatabase('signing in with a phone on the hub login page', (db) => {
  let hub: TestHub;
  let app: TestApp;
  let address = 0;

  before(async () => {
    // Each browser below comes from its own address (through the trusted proxy header), so
    // the per-address failure count of one test never blocks another.
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false', TRUST_PROXY: 'true' });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
  });

  after(async () => {
    await app?.close();
    await hub?.close();
  });

  function browser(): UserAgent {
    address += 1;
    return new UserAgent(`203.0.113.${address}`);
  }

  /** Starts a login at the app and returns the hub's login page. */
  async function openLogin(agent: UserAgent) {
    const start = await startAuthorization(app);
    const page = await agent.navigate(start.url, { stopAt: app.redirectUri });
    assert.equal(page.status, 200, 'the hub shows its login page');
    assert.ok(!page.stopped);
    return { start, page };
  }

  /** Fills in and posts the form of `page` whose action ends with `actionSuffix`. */
  function submit(
    agent: UserAgent,
    page: Page,
    actionSuffix: string,
    values: Record<string, string>,
  ): Promise<Page> {
    const { action, fields } = readForm(page.body, actionSuffix);
    return agent.navigate(new URL(action, page.url).href, {
      form: { ...fields, ...values },
      stopAt: app.redirectUri,
    });
  }

  /** Posts straight to one of the login page's endpoints with the page's CSRF token. */
  function postTo(
    agent: UserAgent,
    page: Page,
    endpoint: '/password' | '/sms/send' | '/sms/verify',
    values: Record<string, string>,
  ): Promise<Page> {
    const { action, fields } = readForm(page.body, '/password');
    const url = new URL(action.replace(/\/password$/, endpoint), page.url).href;
    return agent.navigate(url, {
      form: { csrf: fields.csrf ?? '', ...values },
      stopAt: app.redirectUri,
    });
  }

  /**
   * Like `submit`, for an answer that is not a redirect, keeping the response headers: one
   * request, nothing followed.
   */
  async function submitOnce(
    agent: UserAgent,
    page: Page,
    actionSuffix: string,
    values: Record<string, string>,
  ): Promise<Page & { retryAfter: string | null }> {
    const { action, fields } = readForm(page.body, actionSuffix);
    const url = new URL(action, page.url).href;
    const response = await agent.request(url, { form: { ...fields, ...values } });
    const redirect = response.status >= 300 && response.status < 400;
    return {
      url,
      status: response.status,
      body: await response.text(),
      stopped: redirect,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  async function sendCode(agent: UserAgent, page: Page, phone: string): Promise<Page> {
    const sent = await submit(agent, page, '/sms/send', { phone });
    assert.equal(sent.status, 200, `the code was sent: ${errorText(sent)}`);
    assert.ok(readForm(sent.body, '/sms/verify'), 'the page now asks for the code');
    return sent;
  }

  function loginSucceededFor(accountId: string) {
    return hub.hub
      .knex('audit_log')
      .where({ action: 'login.succeeded', subject_account_id: accountId })
      .select('id');
  }

  describe('SMS codes', () => {
    it('a new phone signs up with an SMS code and reaches the app as a verified account', async () => {
      const phone = '+8613800000021';
      const knex = hub.hub.knex;
      assert.equal(
        await knex('identities').where({ provider: 'phone', subject: phone }).first(),
        undefined,
        'the phone is not registered yet',
      );

      const agent = browser();
      const { start, page } = await openLogin(agent);
      // Typed the way parents type it: the national number with spaces.
      const sent = await sendCode(agent, page, '138 0000 0021');
      const code = hub.sms.lastCodeFor(phone);
      assert.match(code, /^\d{6}$/);

      const done = await submit(agent, sent, '/sms/verify', { code });
      assert.ok(done.stopped, `the parent reached the app (${done.status}): ${errorText(done)}`);
      const tokens = await redeem(app, done.url, start);
      const accountId = tokens.claims()?.sub as string;

      const identity = await knex('identities')
        .where({ provider: 'phone', subject: phone })
        .first('account_id', 'verified');
      assert.equal(identity?.account_id, accountId, 'the account was created for this phone');
      assert.ok(Boolean(identity?.verified), 'the phone is marked verified');

      const created = await knex('audit_log')
        .where({ action: 'account.created', subject_account_id: accountId })
        .select('provider');
      assert.equal(created.length, 1, 'one account.created audit row');
      assert.equal(created[0]?.provider, 'phone');

      const userinfo = await oidc.fetchUserInfo(app.config, tokens.access_token, accountId);
      assert.equal(userinfo.phone_number, phone);
      assert.equal(userinfo.phone_number_verified, true);
    });

    it('an SMS code that has expired is refused', async () => {
      const phone = '+8613800000022';
      const agent = browser();
      const { page } = await openLogin(agent);
      const sent = await sendCode(agent, page, phone);
      const code = hub.sms.lastCodeFor(phone);

      const updated = await hub.hub
        .knex('sms_codes')
        .where({ phone })
        .update({ expires_at: Date.now() - 1000 });
      assert.equal(updated, 1);

      const refused = await submit(agent, sent, '/sms/verify', { code });
      assert.ok(!refused.stopped, 'the parent did not reach the app');
      assert.equal(refused.status, 401);
      assert.equal(errorText(refused), t('error.invalidCode'));
      assert.equal(
        await hub.hub.knex('identities').where({ subject: phone }).first(),
        undefined,
        'no account was created',
      );
    });

    it('an SMS code works once: not again in the same login attempt, nor in a fresh one', async () => {
      const phone = '+8613800000023';
      const agent = browser();
      const { page } = await openLogin(agent);
      const sent = await sendCode(agent, page, phone);
      const code = hub.sms.lastCodeFor(phone);

      // First use, without following the redirect yet: the attempt is still at its login prompt.
      const { action, fields } = readForm(sent.body, '/sms/verify');
      const verifyUrl = new URL(action, sent.url).href;
      const first = await agent.request(verifyUrl, { form: { ...fields, code } });
      assert.equal(first.status, 303, 'the first use signs the parent in');
      const resume = new URL(first.headers.get('location') ?? '', verifyUrl).href;
      await first.body?.cancel();

      const again = await agent.navigate(verifyUrl, {
        form: { ...fields, code },
        stopAt: app.redirectUri,
      });
      assert.ok(!again.stopped);
      assert.equal(again.status, 401, 'the same code in the same attempt is refused');
      assert.equal(errorText(again), t('error.invalidCode'));

      const finished = await agent.navigate(resume, { stopAt: app.redirectUri });
      assert.ok(finished.stopped, 'the first use still completes the login');

      const other = browser();
      const fresh = await openLogin(other);
      const replay = await postTo(other, fresh.page, '/sms/verify', { phone, code });
      assert.ok(!replay.stopped);
      assert.equal(replay.status, 401, 'the same code in a fresh attempt is refused');
      assert.equal(errorText(replay), t('error.invalidCode'));
    });

    it('an SMS code issued for one login attempt does not work in another', async () => {
      const phone = '+8613800000024';
      const victim = browser();
      const attempt = await openLogin(victim);
      const sent = await sendCode(victim, attempt.page, phone);
      const code = hub.sms.lastCodeFor(phone);

      const attacker = browser();
      const elsewhere = await openLogin(attacker);
      const refused = await postTo(attacker, elsewhere.page, '/sms/verify', { phone, code });
      assert.ok(!refused.stopped, 'the other attempt did not reach the app');
      assert.equal(refused.status, 401);
      assert.equal(errorText(refused), t('error.invalidCode'));

      // The code was refused for being in the wrong attempt: in its own it still works.
      const done = await submit(victim, sent, '/sms/verify', { code });
      assert.ok(done.stopped, `the code works in its own attempt: ${errorText(done)}`);
    });

    it('a second code to the same phone within SMS_RESEND_SECONDS answers 429 and sends nothing', async () => {
      const phone = '+8613800000025';
      const resendSeconds = Number(settings.SMS_RESEND_SECONDS.default);
      const agent = browser();
      const { page } = await openLogin(agent);
      const sent = await sendCode(agent, page, phone);

      const tooSoon = await submitOnce(agent, sent, '/sms/send', { phone });
      assert.equal(tooSoon.status, 429);
      assert.equal(
        errorText(tooSoon),
        t('error.tooManyCodes', { seconds: tooSoon.retryAfter ?? '' }),
      );
      const retryAfter = Number(tooSoon.retryAfter);
      assert.ok(retryAfter > 0 && retryAfter <= resendSeconds, `Retry-After: ${retryAfter}`);

      // Another browser at another address asking for the same phone waits too.
      const other = browser();
      const elsewhere = await openLogin(other);
      const alsoTooSoon = await submit(other, elsewhere.page, '/sms/send', { phone });
      assert.equal(alsoTooSoon.status, 429);

      const texts = hub.sms.sent.filter((message) => message.phone === phone);
      assert.equal(texts.length, 1, 'only the first code was sent');
    });
  });

  describe('CSRF', () => {
    const parent = { phone: '+8613800000031', password: 'correct horse 31' };
    let accountId: string;

    before(async () => {
      accountId = (await createParent(hub.hub.knex, parent)).id;
    });

    for (const [how, csrf] of [
      ['without its csrf field', undefined],
      ['with a wrong csrf value', 'not-the-token'],
    ] as const) {
      it(`the password form posted ${how} answers 403 and signs no one in`, async () => {
        const agent = browser();
        const { page } = await openLogin(agent);
        const { action, fields } = readForm(page.body, '/password');
        assert.ok(fields.csrf, 'the form carries a CSRF token');
        const form: Record<string, string> = { ...parent };
        if (csrf !== undefined) form.csrf = csrf;

        const loginsBefore = (await loginSucceededFor(accountId)).length;
        const refused = await agent.navigate(new URL(action, page.url).href, {
          form,
          stopAt: app.redirectUri,
        });
        assert.equal(refused.status, 403);
        assert.ok(!refused.stopped, 'the parent did not reach the app');
        assert.equal(errorText(refused), t('error.csrf'));
        assert.equal(
          (await loginSucceededFor(accountId)).length,
          loginsBefore,
          'no login was recorded',
        );

        // The same form with its token signs the parent in.
        const done = await submit(agent, refused, '/password', parent);
        assert.ok(done.stopped, `the genuine form works: ${errorText(done)}`);
        assert.equal((await loginSucceededFor(accountId)).length, loginsBefore + 1);
      });
    }

    it("a csrf token from another browser's page is refused", async () => {
      const agent = browser();
      const { page } = await openLogin(agent);
      const foreign = readForm((await openLogin(browser())).page.body, '/password').fields.csrf;
      const own = readForm(page.body, '/password').fields.csrf;
      assert.ok(foreign && foreign !== own);

      const refused = await postTo(agent, page, '/password', { ...parent, csrf: foreign });
      assert.equal(refused.status, 403);
      assert.ok(!refused.stopped);
    });

    it('the SMS send form without its csrf field answers 403 and sends nothing', async () => {
      const phone = '+8613800000032';
      const agent = browser();
      const { page } = await openLogin(agent);
      const { action } = readForm(page.body, '/sms/send');
      const refused = await agent.navigate(new URL(action, page.url).href, {
        form: { phone },
        stopAt: app.redirectUri,
      });
      assert.equal(refused.status, 403);
      assert.equal(hub.sms.sent.filter((message) => message.phone === phone).length, 0);
    });
  });

  describe('brute force', () => {
    const parent = { phone: '+8613800000041', password: 'correct horse 41' };

    before(async () => {
      await createParent(hub.hub.knex, parent);
    });

    /** Fails `MAX_FAILURES` times for a phone; returns the page after the last failure. */
    async function failRepeatedly(agent: UserAgent, phone: string): Promise<Page> {
      let page = (await openLogin(agent)).page;
      for (let attempt = 1; attempt <= MAX_FAILURES; attempt++) {
        page = await submit(agent, page, '/password', { phone, password: `wrong ${attempt}` });
        assert.equal(page.status, 401, `failure ${attempt} is an ordinary refusal`);
        assert.equal(errorText(page), t('error.invalidCredentials'));
      }
      return page;
    }

    it('an unknown phone gets the same answer as a wrong password', async () => {
      const other = { phone: '+8613800000044', password: 'correct horse 44' };
      await createParent(hub.hub.knex, other);
      const agent = browser();
      const { page } = await openLogin(agent);
      const wrongPassword = await submit(agent, page, '/password', {
        phone: other.phone,
        password: 'not the password',
      });
      const unknownPhone = await submit(agent, wrongPassword, '/password', {
        phone: '+8613800000049',
        password: 'not the password',
      });

      assert.equal(wrongPassword.status, 401);
      assert.equal(unknownPhone.status, 401);
      assert.equal(errorText(unknownPhone), errorText(wrongPassword));
      assert.equal(errorText(unknownPhone), t('error.invalidCredentials'));
    });

    it('after LOGIN_MAX_FAILURES wrong passwords even the right one answers 429 with Retry-After', async () => {
      const attacker = browser();
      const afterFailures = await failRepeatedly(attacker, parent.phone);

      const locked = await submitOnce(attacker, afterFailures, '/password', parent);
      assert.ok(!locked.stopped, 'the right password does not sign in while locked');
      assert.equal(locked.status, 429);
      const retryAfter = Number(locked.retryAfter);
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After: ${retryAfter}`);
      assert.equal(errorText(locked), t('error.tooManyAttempts', { seconds: retryAfter }));

      // While locked, the right password and a wrong one get the same answer.
      const lockedWrong = await submitOnce(attacker, locked, '/password', {
        phone: parent.phone,
        password: 'wrong again',
      });
      assert.equal(lockedWrong.status, 429);
      assert.equal(withoutDigits(errorText(lockedWrong)), withoutDigits(errorText(locked)));

      // The lock is on the phone: the parent's own browser, at another address, waits too.
      const owner = browser();
      const { page } = await openLogin(owner);
      const alsoLocked = await submit(owner, page, '/password', parent);
      assert.equal(alsoLocked.status, 429);
      assert.ok(!alsoLocked.stopped);
    });

    it('a locked-out unknown phone gets the same answer as a locked-out registered one', async () => {
      const registered = { phone: '+8613800000042', password: 'correct horse 42' };
      await createParent(hub.hub.knex, registered);
      const unknown = '+8613800000043';

      const onRegistered = browser();
      const registeredPage = await failRepeatedly(onRegistered, registered.phone);
      const registeredLocked = await submitOnce(
        onRegistered,
        registeredPage,
        '/password',
        registered,
      );

      const onUnknown = browser();
      const unknownPage = await failRepeatedly(onUnknown, unknown);
      const unknownLocked = await submitOnce(onUnknown, unknownPage, '/password', {
        phone: unknown,
        password: registered.password,
      });

      assert.equal(registeredLocked.status, 429);
      assert.equal(unknownLocked.status, 429);
      assert.ok(registeredLocked.retryAfter, 'the registered phone gets Retry-After');
      assert.ok(unknownLocked.retryAfter, 'the unknown phone gets Retry-After too');
      assert.equal(
        withoutDigits(errorText(unknownLocked)),
        withoutDigits(errorText(registeredLocked)),
      );
    });
  });

  describe('password storage', () => {
    it('a password is stored as an argon2id hash with m=19456, t=2, p=1', async () => {
      const parent = { phone: '+8613800000051', password: 'correct horse 51' };
      const account = await createParent(hub.hub.knex, parent);
      const row = await hub.hub.knex('accounts').where({ id: account.id }).first('password_hash');
      const hash = String(row?.password_hash);
      assert.ok(
        hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$'),
        `stored hash parameters: ${hash.split('$').slice(0, 4).join('$')}`,
      );
      assert.ok(!hash.includes(parent.password));
    });
  });
});
