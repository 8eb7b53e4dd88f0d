import assert from 'node:assert/strict';
import { pino } from 'pino';
import {
  decideLogin,
  type LinkRulesDeps,
  linkToSignedInAccount,
  type LoginDecision,
} from '../../src/accounts/link-rules.js';
import { HubSessions } from '../../src/oidc/hub-sessions.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { signInToHub } from '../helpers/hub-pages.js';
import { signedInAccountId, signInToHubWithSms } from '../helpers/hub-sms.js';
import {
  elearningIdentity,
  freshPhone,
  freshSubject,
  linkRulesDeps,
  wechatIdentity,
} from '../helpers/link-rules-deps.js';
import {
  createParent,
  redeem,
  registerTestApp,
  startAuthorization,
  type TestApp,
} from '../helpers/relying-party.js';
import { freePort, startTestHub, type TestHub } from '../helpers/test-hub.js';
import { clickProvider } from '../helpers/upstream-login.js';
import {
  answerElearning,
  elearningProviderConfig,
  startUpstreamOidc,
  UPSTREAM_CLIENT,
} from '../helpers/upstream-oidc.js';
import { readForm, UserAgent } from '../helpers/user-agent.js';

const ATTACKER_IP = { ip: '203.0.113.66' };

/**
 * The five pre-account-takeover variants (Sudhodanan and Jain, "Pre-hijacked accounts", 2022).
 * Each test plays the attacker first, then the victim, and fails if the victim's login ends in
 * an account the attacker prepared or can still use.
 */
describeOnEachDatabase('pre-account takeover', (db) => {
  let hub: TestHub;
  let deps: LinkRulesDeps;

  before(async () => {
    // The victim asks for a code right after the attacker had one sent to the same phone.
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false', SMS_RESEND_SECONDS: '0' });
    deps = linkRulesDeps(hub.hub.knex);
  });

  after(async () => {
    await hub?.close();
  });

  function accountOf(decision: LoginDecision): string {
    assert.equal(decision.kind, 'signed-in', JSON.stringify(decision));
    return decision.kind === 'signed-in' ? decision.accountId : '';
  }

  async function phoneOwner(phone: string): Promise<string | undefined> {
    return (await deps.accounts.findByIdentity('phone', phone))?.id;
  }

  /** An attacker with an account of their own and a live hub session on it. */
  async function attackerSignedIn() {
    const credentials = { phone: freshPhone(), password: 'attacker password' };
    const account = await createParent(hub.hub.knex, credentials);
    const agent = await signInToHub(hub.url, credentials);
    return { accountId: account.id, agent };
  }

  it('classic federated merge: an account pre-made with the victim’s unverified phone never receives the victim', async () => {
    const victimPhone = freshPhone();
    const attacker = accountOf(
      await decideLogin(
        deps,
        elearningIdentity({ phone: { number: victimPhone, verified: false } }),
        ATTACKER_IP,
      ),
    );
    assert.equal(await phoneOwner(victimPhone), undefined, 'the attacker did not get the phone');

    const bySms = await signInToHubWithSms(hub, victimPhone);
    const byWechat = await decideLogin(
      deps,
      wechatIdentity({ phone: { number: victimPhone, verified: true } }),
      {},
    );

    assert.notEqual(
      bySms.accountId,
      attacker,
      'the SMS login did not land in the attacker’s account',
    );
    assert.equal(await phoneOwner(victimPhone), bySms.accountId);
    assert.deepEqual(
      byWechat,
      { kind: 'prove-ownership', candidateAccountId: bySms.accountId, via: ['sms'] },
      'the real provider leads to the victim’s own account, and only with proof',
    );
  });

  it('unexpired session: the attacker’s live session never reaches the account the victim proves', async () => {
    const victimPhone = freshPhone();
    const attacker = await attackerSignedIn();
    await linkToSignedInAccount(
      deps,
      attacker.accountId,
      elearningIdentity({ phone: { number: victimPhone, verified: false } }),
      ATTACKER_IP,
    );

    const victim = await signInToHubWithSms(hub, victimPhone);

    assert.notEqual(victim.accountId, attacker.accountId);
    assert.equal(
      await signedInAccountId(attacker.agent, hub.url),
      attacker.accountId,
      'the attacker’s session still only opens the attacker’s own account',
    );
    const victimSessions = await new HubSessions(
      hub.hub.knex,
      hub.hub.provider,
      pino({ level: 'silent' }),
    ).listFor(victim.accountId);
    assert.equal(victimSessions.length, 1, 'the victim’s account has only the victim’s session');
    const victimIdentities = await deps.accounts.identitiesOf(victim.accountId);
    assert.deepEqual(
      victimIdentities.map((row) => row.provider),
      ['phone'],
      'nothing of the attacker came along',
    );
  });

  it('trojan identifier: an identity the attacker links beforehand gives no access to the victim', async () => {
    const victimPhone = freshPhone();
    const attacker = await attackerSignedIn();
    const trojan = wechatIdentity({
      unionid: freshSubject('u'),
      phone: { number: victimPhone, verified: true },
    });
    const linked = await linkToSignedInAccount(deps, attacker.accountId, trojan, ATTACKER_IP);
    assert.equal(linked.kind, 'linked');
    assert.equal(await phoneOwner(victimPhone), undefined, 'linking carried no phone along');

    const victim = await signInToHubWithSms(hub, victimPhone);

    assert.notEqual(victim.accountId, attacker.accountId);
    assert.equal(
      accountOf(await decideLogin(deps, trojan, ATTACKER_IP)),
      attacker.accountId,
      'the attacker’s WeChat still opens only the attacker’s account',
    );
    const claim = await decideLogin(
      deps,
      elearningIdentity({ phone: { number: victimPhone, verified: true } }),
      ATTACKER_IP,
    );
    assert.equal(claim.kind, 'prove-ownership', 'claiming the victim’s phone needs its SMS code');
  });

  it('unexpired phone change: a pending, unconfirmed phone never counts as verified', async () => {
    const victimPhone = freshPhone();
    const attackerIdentity = elearningIdentity();
    const attacker = accountOf(await decideLogin(deps, attackerIdentity, ATTACKER_IP));
    // The attacker changes their upstream phone to the victim's; the upstream sent a code to
    // confirm it that nobody entered, so it says the number is not verified yet.
    const pendingChange = { ...attackerIdentity, phone: { number: victimPhone, verified: false } };
    assert.equal(accountOf(await decideLogin(deps, pendingChange, ATTACKER_IP)), attacker);
    // On the hub the attacker also has a code sent to the victim's phone and guesses it.
    const browser = new UserAgent();
    const login = await browser.navigate(`${hub.url}/signed-in/start?return=/api/me`);
    const send = readForm(login.body, '/sms/send');
    const sent = await browser.navigate(new URL(send.action, login.url).href, {
      form: { ...send.fields, phone: victimPhone },
    });
    const verify = readForm(sent.body, '/sms/verify');
    const realCode = hub.sms.lastCodeFor(victimPhone);
    const guess = realCode === '000000' ? '000001' : '000000';
    await browser.navigate(new URL(verify.action, sent.url).href, {
      form: { ...verify.fields, code: guess },
    });
    assert.equal(await signedInAccountId(browser, hub.url), undefined);
    assert.equal(await phoneOwner(victimPhone), undefined);

    const victim = await signInToHubWithSms(hub, victimPhone);

    assert.notEqual(victim.accountId, attacker);
    assert.equal(await phoneOwner(victimPhone), victim.accountId);
    const stillAttacker = await deps.accounts.identitiesOf(attacker);
    assert.deepEqual(
      stillAttacker.map((row) => row.provider),
      ['elearning'],
    );
  });

  it('non-verifying IdP: an unverified or unstated phone never links and never reveals registration', async () => {
    const registered = freshPhone();
    const unregistered = freshPhone();
    const owner = await signInToHubWithSms(hub, registered);

    const answers = [];
    for (const phone of [registered, unregistered]) {
      for (const claim of [{ number: phone, verified: false }, undefined]) {
        const decision = await decideLogin(deps, elearningIdentity({ phone: claim }), ATTACKER_IP);
        answers.push({ ...decision, accountId: undefined });
        assert.notEqual(accountOf(decision), owner.accountId);
        const identities = await deps.accounts.identitiesOf(accountOf(decision));
        assert.deepEqual(
          identities.map((row) => row.provider),
          ['elearning'],
        );
      }
    }

    const [first, ...rest] = answers;
    for (const answer of rest) {
      assert.deepEqual(answer, first, 'a registered phone gets the same answer as any other');
    }
    assert.equal(await phoneOwner(registered), owner.accountId);
    assert.equal(await phoneOwner(unregistered), undefined);
  });
});

describeOnEachDatabase('pre-account takeover through a real E-learning-net', (db) => {
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
        SMS_RESEND_SECONDS: '0',
        HUB_LOGIN_PROVIDERS: JSON.stringify([
          { id: 'phone', kind: 'phone' },
          elearningProviderConfig(upstream.url),
        ]),
      },
      { port: hubPort },
    );
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'Weixuetong' });
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await upstream?.close();
  });

  /** A person at E-learning-net; `phone` as the upstream asserts it, or none. */
  function elearningPerson(phone?: { number: string; verified?: boolean }): string {
    people += 1;
    const sub = `el-${people}-${Date.now()}`;
    upstream.people.set(sub, {
      sub,
      name: `家长${people}`,
      ...(phone ? { phone_number: phone.number.replace(/^\+86/, '') } : {}),
      ...(phone?.verified !== undefined ? { phone_number_verified: phone.verified } : {}),
    });
    return sub;
  }

  /** Logs in at the app with E-learning-net; where the hub took the browser, and the account. */
  async function signInWithElearning(sub: string, agent = new UserAgent()) {
    const start = await startAuthorization(app, { prompt: 'login' });
    const loginPage = await agent.navigate(start.url, { stopAt: app.redirectUri });
    const upstreamPage = await clickProvider(agent, loginPage, 'elearning');
    const back = await answerElearning(agent, upstreamPage, sub, app.redirectUri);
    const accountId = back.stopped
      ? String((await redeem(app, back.url, start)).claims()?.sub)
      : undefined;
    return { page: back, accountId, agent, start };
  }

  async function providersOf(accountId: string) {
    const rows = await hub.hub.knex('identities').where({ account_id: accountId });
    return rows.map((row) => row.provider).sort();
  }

  it('classic federated merge: the victim’s verified E-learning-net login never lands in the attacker’s account', async () => {
    const victimPhone = freshPhone();
    const attacker = await signInWithElearning(
      elearningPerson({ number: victimPhone, verified: false }),
    );
    assert.ok(attacker.accountId, 'the attacker got an account of their own');

    const victim = await signInWithElearning(
      elearningPerson({ number: victimPhone, verified: true }),
    );
    const bySms = await signInToHubWithSms(hub, victimPhone);

    assert.ok(victim.accountId, 'the victim reached the app');
    assert.notEqual(victim.accountId, attacker.accountId);
    assert.equal(bySms.accountId, victim.accountId, 'the phone belongs to the victim’s account');
    assert.deepEqual(await providersOf(attacker.accountId), ['elearning']);
  });

  it('non-verifying IdP: a registered phone gets the same pages as any other when it is not verified', async () => {
    const registered = freshPhone();
    const owner = await signInToHubWithSms(hub, registered);

    const outcomes = [];
    for (const number of [registered, freshPhone()]) {
      for (const verified of [false, undefined]) {
        const login = await signInWithElearning(elearningPerson({ number, verified }));
        assert.ok(login.page.stopped, 'straight to the app, no proof page in between');
        assert.notEqual(login.accountId, owner.accountId);
        assert.deepEqual(await providersOf(String(login.accountId)), ['elearning']);
        outcomes.push({ stopped: login.page.stopped, status: login.page.status });
      }
    }

    for (const outcome of outcomes) assert.deepEqual(outcome, outcomes[0]);
    assert.deepEqual(await providersOf(owner.accountId), ['phone']);
  });

  it('a verified phone of an existing account links E-learning-net only after its SMS code', async () => {
    const phone = freshPhone();
    const owner = await signInToHubWithSms(hub, phone);

    const login = await signInWithElearning(elearningPerson({ number: phone, verified: true }));
    assert.ok(!login.page.stopped, 'the parent is asked for proof first');
    assert.match(login.page.url, /\/interaction\/[^/]+\/link$/);
    assert.deepEqual(await providersOf(owner.accountId), ['phone'], 'nothing linked yet');

    const send = readForm(login.page.body, '/link/sms/send');
    const sent = await login.agent.navigate(new URL(send.action, login.page.url).href, {
      form: send.fields,
    });
    const verify = readForm(sent.body, '/link/sms/verify');
    const done = await login.agent.navigate(new URL(verify.action, sent.url).href, {
      form: { ...verify.fields, code: hub.sms.lastCodeFor(phone) },
      stopAt: app.redirectUri,
    });

    assert.ok(done.stopped, `the parent reached the app: ${done.status}`);
    assert.equal((await redeem(app, done.url, login.start)).claims()?.sub, owner.accountId);
    assert.deepEqual(await providersOf(owner.accountId), ['elearning', 'phone']);
  });
});
