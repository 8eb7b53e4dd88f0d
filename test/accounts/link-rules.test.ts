import assert from 'node:assert/strict';
import {
  createSeparateAccount,
  decideLogin,
  type LinkRulesDeps,
  linkAfterProof,
  linkToSignedInAccount,
} from '../../src/accounts/link-rules.js';
import type { Knex } from '../../src/db/knex.js';
import { translator } from '../../src/http/i18n.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  elearningIdentity,
  freshPhone,
  freshSubject,
  linkRulesDeps,
  linkRulesOn,
  wechatIdentity,
} from '../helpers/link-rules-deps.js';
import { leavePendingLink } from '../helpers/pending-link.js';
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
import { answerWechat } from '../helpers/upstream-login.js';
import { startWechatStandin, wechatProviderConfig } from '../helpers/wechat-standin.js';

type LinkPage = Awaited<ReturnType<UserAgent['navigate']>>;

const CONTEXT = { ip: '198.51.100.7' };

describeOnEachDatabase('the linking rules', (db) => {
  let knex: Knex;
  let deps: LinkRulesDeps;

  before(async () => {
    ({ knex, deps } = await linkRulesOn(db().url));
  });

  after(async () => {
    await knex?.destroy();
  });

  async function signedInAccount(decision: Awaited<ReturnType<typeof decideLogin>>) {
    assert.equal(decision.kind, 'signed-in', JSON.stringify(decision));
    if (decision.kind !== 'signed-in') throw new Error('unreachable');
    return decision;
  }

  async function providersOf(accountId: string): Promise<string[]> {
    return (await deps.accounts.identitiesOf(accountId)).map((row) => row.provider).sort();
  }

  async function auditActions(accountId: string): Promise<string[]> {
    return (await deps.audit.forAccount(accountId)).map((entry) => entry.action);
  }

  it('creates an account for an unknown identity, named from its claims, and audits it', async () => {
    const identity = elearningIdentity({ name: '王小明妈妈' });

    const decision = await signedInAccount(await decideLogin(deps, identity, CONTEXT));

    assert.equal(decision.created, true);
    const account = await deps.accounts.findById(decision.accountId);
    assert.equal(account?.name, '王小明妈妈');
    const [created] = await deps.accounts.identitiesOf(decision.accountId);
    assert.equal(created?.provider, 'elearning');
    assert.ok(created?.lastUsedAt, 'the sign-up counts as the first use');
    const row = await knex('audit_log')
      .where({ subject_account_id: decision.accountId, action: 'account.created' })
      .first();
    assert.equal(row.ip, CONTEXT.ip);
    assert.equal(row.provider, 'elearning');
  });

  it('signs a known identity in to its account without creating another', async () => {
    const identity = elearningIdentity();
    const first = await signedInAccount(await decideLogin(deps, identity, CONTEXT));

    const again = await signedInAccount(await decideLogin(deps, identity, CONTEXT));

    assert.equal(again.accountId, first.accountId);
    assert.equal(again.created, false);
    assert.ok((await auditActions(first.accountId)).includes('login.succeeded'));
  });

  it('gives a new account the verified phone when no account has it', async () => {
    const phone = freshPhone();

    const decision = await signedInAccount(
      await decideLogin(deps, elearningIdentity({ phone: { number: phone, verified: true } }), {}),
    );

    assert.deepEqual(await providersOf(decision.accountId), ['elearning', 'phone']);
    assert.equal((await deps.accounts.findByIdentity('phone', phone))?.id, decision.accountId);
  });

  it('never gives a new account an unverified phone', async () => {
    const phone = freshPhone();

    const decision = await signedInAccount(
      await decideLogin(deps, elearningIdentity({ phone: { number: phone, verified: false } }), {}),
    );

    assert.deepEqual(await providersOf(decision.accountId), ['elearning']);
    assert.equal(await deps.accounts.findByIdentity('phone', phone), undefined);
  });

  it('asks for proof of ownership when a verified phone belongs to an existing account', async () => {
    const phone = freshPhone();
    const owner = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ phone: { number: phone, verified: true } }), {}),
    );
    const before = await deps.accounts.count();

    const decision = await decideLogin(
      deps,
      elearningIdentity({ phone: { number: phone, verified: true } }),
      CONTEXT,
    );

    assert.deepEqual(decision, {
      kind: 'prove-ownership',
      candidateAccountId: owner.accountId,
      via: ['sms', 'wechat-weixuetong'],
    });
    assert.equal(await deps.accounts.count(), before, 'no account was created');
    assert.deepEqual(await providersOf(owner.accountId), ['phone', 'wechat:wxdemo']);
  });

  it('links the pending identity after the proof and signs in to the proven account', async () => {
    const phone = freshPhone();
    const owner = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ phone: { number: phone, verified: true } }), {}),
    );
    const pending = elearningIdentity({ phone: { number: phone, verified: true } });

    const decision = await linkAfterProof(deps, owner.accountId, pending, {
      ...CONTEXT,
      via: 'sms',
    });

    assert.deepEqual(decision, { kind: 'signed-in', accountId: owner.accountId, created: false });
    assert.deepEqual(await providersOf(owner.accountId), ['elearning', 'phone', 'wechat:wxdemo']);
    const linked = await knex('audit_log')
      .where({ subject_account_id: owner.accountId, action: 'identity.linked' })
      .first();
    assert.deepEqual(JSON.parse(linked.detail), { identityProvider: 'elearning', via: 'sms' });
    assert.equal(linked.ip, CONTEXT.ip);
    const next = await signedInAccount(await decideLogin(deps, pending, {}));
    assert.equal(next.accountId, owner.accountId, 'the linked identity now signs in directly');
  });

  it('creates a separate account without the phone when the parent chooses so', async () => {
    const phone = freshPhone();
    const owner = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ phone: { number: phone, verified: true } }), {}),
    );

    const separate = await signedInAccount(
      await createSeparateAccount(
        deps,
        elearningIdentity({ phone: { number: phone, verified: true } }),
        CONTEXT,
      ),
    );

    assert.notEqual(separate.accountId, owner.accountId);
    assert.equal(separate.created, true);
    assert.deepEqual(await providersOf(separate.accountId), ['elearning']);
    assert.equal((await deps.accounts.findByIdentity('phone', phone))?.id, owner.accountId);
  });

  it('adds a newly seen unionid to the account its openid belongs to', async () => {
    const openid = freshSubject('o');
    const first = await signedInAccount(await decideLogin(deps, wechatIdentity({ openid }), {}));
    const unionid = freshSubject('u');

    const again = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ openid, unionid }), {}),
    );

    assert.equal(again.accountId, first.accountId);
    assert.deepEqual(await providersOf(first.accountId), ['wechat-union', 'wechat:wxdemo']);
  });

  it('signs the openid of a second app id in through its known unionid', async () => {
    const unionid = freshSubject('u');
    const first = await signedInAccount(await decideLogin(deps, wechatIdentity({ unionid }), {}));

    const other = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ unionid, appid: 'wxother' }), {}),
    );

    assert.equal(other.accountId, first.accountId);
    assert.deepEqual(await providersOf(first.accountId), [
      'wechat-union',
      'wechat:wxdemo',
      'wechat:wxother',
    ]);
  });

  it('treats openids of two app ids without a unionid as two people', async () => {
    const first = await signedInAccount(await decideLogin(deps, wechatIdentity(), {}));

    const second = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ appid: 'wxother' }), {}),
    );

    assert.notEqual(second.accountId, first.accountId);
  });

  it('refuses, never merges, when the openid and the unionid belong to two accounts', async () => {
    const openid = freshSubject('o');
    const unionid = freshSubject('u');
    const byOpenid = await signedInAccount(await decideLogin(deps, wechatIdentity({ openid }), {}));
    const byUnionid = await signedInAccount(
      await decideLogin(deps, wechatIdentity({ unionid, appid: 'wxother' }), {}),
    );

    const decision = await decideLogin(deps, wechatIdentity({ openid, unionid }), CONTEXT);

    assert.equal(decision.kind, 'refused');
    assert.equal(decision.kind === 'refused' && decision.code, 'identity_conflict');
    assert.deepEqual(await providersOf(byOpenid.accountId), ['wechat:wxdemo']);
    assert.deepEqual(await providersOf(byUnionid.accountId), ['wechat-union', 'wechat:wxother']);
    const refusal = await knex('audit_log')
      .where({ action: 'link.refused' })
      .whereIn('subject_account_id', [byOpenid.accountId, byUnionid.accountId])
      .first();
    assert.equal(JSON.parse(refusal.detail).code, 'identity_conflict');
  });

  it('refuses a new account when the provider does not allow sign-up', async () => {
    const before = await deps.accounts.count();

    const decision = await decideLogin(deps, elearningIdentity({ allowSignup: false }), {});

    assert.equal(decision.kind === 'refused' && decision.code, 'signup_closed');
    assert.equal(await deps.accounts.count(), before);
  });

  it('still lets a known identity in when its provider does not allow sign-up', async () => {
    const identity = elearningIdentity();
    const first = await signedInAccount(await decideLogin(deps, identity, {}));

    const again = await decideLogin(deps, { ...identity, allowSignup: false }, {});

    assert.equal(again.kind === 'signed-in' && again.accountId, first.accountId);
  });

  it('refuses a known identity whose account is disabled', async () => {
    const identity = elearningIdentity();
    const first = await signedInAccount(await decideLogin(deps, identity, {}));
    await knex('accounts').where({ id: first.accountId }).update({ status: 'disabled' });

    const decision = await decideLogin(deps, identity, {});

    assert.equal(decision.kind === 'refused' && decision.code, 'account_disabled');
  });

  it('links another provider to a signed-in account', async () => {
    const account = await signedInAccount(await decideLogin(deps, wechatIdentity(), {}));

    const outcome = await linkToSignedInAccount(
      deps,
      account.accountId,
      elearningIdentity(),
      CONTEXT,
    );

    assert.deepEqual(outcome, {
      kind: 'linked',
      accountId: account.accountId,
      added: ['elearning'],
    });
    assert.deepEqual(await providersOf(account.accountId), ['elearning', 'wechat:wxdemo']);
  });

  it('refuses to link an identity that belongs to another account, and audits it', async () => {
    const elearning = elearningIdentity();
    const other = await signedInAccount(await decideLogin(deps, elearning, {}));
    const account = await signedInAccount(await decideLogin(deps, wechatIdentity(), {}));

    const outcome = await linkToSignedInAccount(deps, account.accountId, elearning, CONTEXT);

    assert.equal(outcome.kind === 'refused' && outcome.code, 'identity_taken');
    assert.deepEqual(await providersOf(other.accountId), ['elearning']);
    assert.deepEqual(await providersOf(account.accountId), ['wechat:wxdemo']);
    assert.ok((await auditActions(account.accountId)).includes('link.refused'));
  });

  it('never links a phone claim when linking from the account page', async () => {
    const phone = freshPhone();
    const account = await signedInAccount(await decideLogin(deps, wechatIdentity(), {}));

    await linkToSignedInAccount(
      deps,
      account.accountId,
      elearningIdentity({ phone: { number: phone, verified: true } }),
      {},
    );

    assert.deepEqual(await providersOf(account.accountId), ['elearning', 'wechat:wxdemo']);
  });
});

describeOnEachDatabase('proving ownership on the link page', (db) => {
  let hub: TestHub;
  let app: TestApp;
  let deps: LinkRulesDeps;
  let wechat: Awaited<ReturnType<typeof startWechatStandin>>;
  let people = 0;
  const wechatApp = { appId: 'wxdemo', appSecret: 'wechat-secret', unionid: true };

  before(async () => {
    wechat = await startWechatStandin([wechatApp]);
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      HUB_LOGIN_PROVIDERS: JSON.stringify([
        { id: 'phone', kind: 'phone' },
        wechatProviderConfig(wechat.url, wechatApp),
      ]),
    });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: 'E-learning-net' });
    deps = linkRulesDeps(hub.hub.knex);
  });

  after(async () => {
    await app?.close();
    await hub?.close();
    await wechat?.close();
  });

  /** A parent who signed up with WeChat and their phone, and the same person's E-learning-net. */
  async function parentWithPendingElearning() {
    const phone = freshPhone();
    people += 1;
    const person = `proof-parent-${people}-${Date.now()}`;
    const decision = await decideLogin(
      deps,
      wechatIdentity({
        openid: wechat.standin.openidOf(wechatApp.appId, person),
        unionid: wechat.standin.unionidOf(person),
        phone: { number: phone, verified: true },
      }),
      {},
    );
    assert.equal(decision.kind, 'signed-in');
    const accountId = decision.kind === 'signed-in' ? decision.accountId : '';
    const pending = elearningIdentity({ phone: { number: phone, verified: true } });

    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const login = await agent.navigate(start.url, { stopAt: app.redirectUri });
    await leavePendingLink(hub, agent, pending);
    const page = await agent.navigate(`${login.url}/link`, { stopAt: app.redirectUri });
    return { person, phone, accountId, pending, agent, start, page };
  }

  function submit(agent: UserAgent, page: LinkPage, suffix: string, values = {}) {
    const { action, fields } = readForm(page.body, suffix);
    return agent.navigate(new URL(action, page.url).href, {
      form: { ...fields, ...values },
      stopAt: app.redirectUri,
    });
  }

  async function providers(accountId: string) {
    return (await deps.accounts.identitiesOf(accountId)).map((row) => row.provider).sort();
  }

  it('shows the existing account’s phone masked and every way to prove ownership', async () => {
    const { phone, page } = await parentWithPendingElearning();

    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`+86 ${phone.slice(3, 6)}****${phone.slice(-4)}`));
    assert.ok(!page.body.includes(phone), 'never the whole number');
    assert.ok(readForm(page.body, '/link/sms/send'), 'a code can be sent');
    assert.match(page.body, /href="\/login\/wechat-weixuetong\/start\?interaction=/);
    assert.ok(readForm(page.body, '/link/separate'), 'a separate account can be chosen');
  });

  it('links the new provider after the SMS code and signs in to the proven account', async () => {
    const { phone, accountId, pending, agent, start, page } = await parentWithPendingElearning();

    const sent = await submit(agent, page, '/link/sms/send');
    const done = await submit(agent, sent, '/link/sms/verify', {
      code: hub.sms.lastCodeFor(phone),
    });

    assert.ok(done.stopped, `the parent reached the app (${done.status})`);
    const tokens = await redeem(app, done.url, start);
    assert.equal(tokens.claims()?.sub, accountId);
    assert.deepEqual(await providers(accountId), [
      'elearning',
      'phone',
      'wechat-union',
      'wechat:wxdemo',
    ]);
    const linked = await hub.hub
      .knex('audit_log')
      .where({ subject_account_id: accountId, action: 'identity.linked' })
      .first();
    assert.equal(JSON.parse(linked.detail).via, 'sms');
    const next = await decideLogin(deps, pending, {});
    assert.equal(next.kind === 'signed-in' && next.accountId, accountId);
  });

  it('links the new provider after a login with the existing account’s WeChat', async () => {
    const { person, accountId, agent, start, page } = await parentWithPendingElearning();
    const button = page.body.match(/href="(\/login\/wechat-weixuetong\/start[^"]*)"/)?.[1];
    assert.ok(button, 'the page offers the account’s WeChat');

    const authorize = await agent.navigate(new URL(button.replace(/&amp;/g, '&'), page.url).href);
    const done = await answerWechat(agent, authorize, { person, stopAt: app.redirectUri });

    assert.ok(done.stopped, `the parent reached the app (${done.status}): ${done.body}`);
    assert.equal((await redeem(app, done.url, start)).claims()?.sub, accountId);
    assert.deepEqual(await providers(accountId), [
      'elearning',
      'phone',
      'wechat-union',
      'wechat:wxdemo',
    ]);
    const linked = await hub.hub
      .knex('audit_log')
      .where({ subject_account_id: accountId, action: 'identity.linked' })
      .first();
    assert.equal(JSON.parse(linked.detail).via, 'wechat-weixuetong');
  });

  it('links nothing when the parent signs in with WeChat to another account instead', async () => {
    const { accountId, agent, start, page } = await parentWithPendingElearning();
    const button = page.body.match(/href="(\/login\/wechat-weixuetong\/start[^"]*)"/)?.[1];
    assert.ok(button, `the page offers the account’s WeChat: ${page.status} ${page.body}`);

    const authorize = await agent.navigate(new URL(button.replace(/&amp;/g, '&'), page.url).href);
    const stranger = `stranger-${Date.now()}`;
    const done = await answerWechat(agent, authorize, {
      person: stranger,
      stopAt: app.redirectUri,
    });

    assert.ok(done.stopped);
    const landed = String((await redeem(app, done.url, start)).claims()?.sub);
    assert.notEqual(landed, accountId);
    assert.deepEqual(await providers(landed), ['wechat-union', 'wechat:wxdemo']);
    assert.deepEqual(await providers(accountId), ['phone', 'wechat-union', 'wechat:wxdemo']);
  });

  it('links the new provider after the existing account’s password, and not after a wrong one', async () => {
    const credentials = { phone: freshPhone(), password: 'correct horse proof' };
    const owner = await createParent(hub.hub.knex, credentials);
    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const login = await agent.navigate(start.url, { stopAt: app.redirectUri });
    await leavePendingLink(
      hub,
      agent,
      elearningIdentity({ phone: { number: credentials.phone, verified: true } }),
    );
    const page = await agent.navigate(`${login.url}/link`);

    const wrong = await submit(agent, page, '/link/password', { password: 'a guess' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await providers(owner.id), ['phone']);

    const done = await submit(agent, wrong, '/link/password', { password: credentials.password });
    assert.ok(done.stopped, `the parent reached the app (${done.status})`);
    assert.equal((await redeem(app, done.url, start)).claims()?.sub, owner.id);
    assert.deepEqual(await providers(owner.id), ['elearning', 'phone']);
  });

  it('offers no password form for an account without a password', async () => {
    const { page, agent } = await parentWithPendingElearning();
    assert.doesNotMatch(page.body, /\/link\/password"/);
    const { action, fields } = readForm(page.body, '/link/separate');

    const refused = await agent.navigate(
      new URL(action.replace(/separate$/, 'password'), page.url).href,
      { form: { ...fields, password: 'anything' }, stopAt: app.redirectUri },
    );

    assert.equal(refused.status, 404);
  });

  it('links nothing on a wrong code', async () => {
    const { phone, accountId, agent, page } = await parentWithPendingElearning();
    const sent = await submit(agent, page, '/link/sms/send');
    const wrong = hub.sms.lastCodeFor(phone) === '000000' ? '000001' : '000000';

    const refused = await submit(agent, sent, '/link/sms/verify', { code: wrong });

    assert.equal(refused.status, 401);
    assert.ok(!refused.stopped);
    assert.deepEqual(await providers(accountId), ['phone', 'wechat-union', 'wechat:wxdemo']);
  });

  it('creates a separate account without the phone when the parent says it is not theirs', async () => {
    const { phone, accountId, agent, start, page } = await parentWithPendingElearning();

    const done = await submit(agent, page, '/link/separate');

    assert.ok(done.stopped, `the parent reached the app (${done.status})`);
    const separate = String((await redeem(app, done.url, start)).claims()?.sub);
    assert.notEqual(separate, accountId);
    assert.deepEqual(await providers(separate), ['elearning']);
    assert.equal((await deps.accounts.findByIdentity('phone', phone))?.id, accountId);
  });

  it('refuses a proof form posted without its CSRF token', async () => {
    const { accountId, agent, page } = await parentWithPendingElearning();
    const { action } = readForm(page.body, '/link/separate');
    const accountsBefore = await deps.accounts.count();

    const refused = await agent.navigate(new URL(action, page.url).href, {
      form: { csrf: 'forged' },
      stopAt: app.redirectUri,
    });

    assert.equal(refused.status, 403);
    assert.equal(await deps.accounts.count(), accountsBefore, 'no separate account was made');
    assert.deepEqual(await providers(accountId), ['phone', 'wechat-union', 'wechat:wxdemo']);
  });

  it('says there is nothing to prove when no identity is waiting', async () => {
    const agent = new UserAgent();
    const start = await startAuthorization(app);
    const login = await agent.navigate(start.url, { stopAt: app.redirectUri });

    const page = await agent.navigate(`${login.url}/link`);

    assert.equal(page.status, 400);
    assert.ok(page.body.includes(translator('zh-CN')('link.expired')));
  });
});
