import assert from 'node:assert/strict';
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

const PARENT = { phone: '+8613700000005', password: 'correct horse 5' };

describeOnEachDatabase('asking parents before a third-party app sees their data', (db) => {
  let hub: TestHub;
  let app: TestApp;

  before(async () => {
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false' });
    app = await registerTestApp(hub.url, hub.hub.knex, { name: '第三方应用', firstParty: false });
    await createParent(hub.hub.knex, PARENT);
  });

  after(async () => {
    await app?.close();
    await hub?.close();
  });

  async function logIn(agent: UserAgent) {
    const start = await startAuthorization(app);
    const login = await agent.navigate(start.url);
    const { action, fields } = readForm(login.body, '/password');
    const next = await agent.navigate(new URL(action, login.url).href, {
      form: { ...fields, ...PARENT },
      stopAt: app.redirectUri,
    });
    return { start, next };
  }

  it('shows the consent page once, and not again after the parent allowed it', async () => {
    const agent = new UserAgent();
    const { start, next } = await logIn(agent);
    assert.equal(next.stopped, false, 'a page, not a redirect to the app');
    assert.match(next.body, /第三方应用/);
    assert.match(next.body, /你的手机号/, 'the page names what the app asked for');

    const { action, fields } = readForm(next.body, '/consent');
    const allowed = await agent.navigate(new URL(action, next.url).href, {
      form: { ...fields, decision: 'allow' },
      stopAt: app.redirectUri,
    });
    assert.ok(allowed.stopped);
    const tokens = await redeem(app, allowed.url, start);
    assert.ok(tokens.claims()?.sub);

    const again = await startAuthorization(app);
    const silent = await agent.navigate(again.url, { stopAt: app.redirectUri });
    assert.ok(silent.stopped, 'the second time the app gets its code straight away');
    assert.ok(new URL(silent.url).searchParams.get('code'));
  });

  it('sends access_denied back to the app when the parent declines', async () => {
    const agent = new UserAgent();
    const { start, next } = await logIn(agent);
    const { action, fields } = readForm(next.body, '/consent');
    const denied = await agent.navigate(new URL(action, next.url).href, {
      form: { ...fields, decision: 'deny' },
      stopAt: app.redirectUri,
    });
    assert.ok(denied.stopped);
    const params = new URL(denied.url).searchParams;
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), start.state);
    assert.equal(params.get('code'), null);
  });

  it("does not let another browser answer a parent's consent page", async () => {
    const { next } = await logIn(new UserAgent());
    const { action, fields } = readForm(next.body, '/consent');
    const forged = await new UserAgent().navigate(new URL(action, next.url).href, {
      form: { ...fields, decision: 'allow' },
      stopAt: app.redirectUri,
    });
    assert.equal(forged.stopped, false);
    assert.ok(forged.status >= 400);
  });
});
