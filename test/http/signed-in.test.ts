import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { signInToHub } from '../helpers/hub-pages.js';
import { createParent } from '../helpers/relying-party.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { readForm, UserAgent } from '../helpers/user-agent.js';

const PARENT = { phone: '+8613700000051', password: 'correct horse 51' };
const ADMIN = { phone: '+8613700000052', password: 'correct horse 52' };

/** An app of its own that guards one route with the hub's middleware, as the console will. */
async function startGuardedApp(hub: TestHub) {
  const app = express();
  app.get('/admin-only', hub.hub.signedIn.require({ roles: ['admin'] }), (_req, res) => {
    res.json(res.locals.signedIn);
  });
  app.use(
    (
      error: { status?: number; code?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ error: error.code });
    },
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Sends the hub's cookies from `agent` to another origin, as a page on the hub would. */
function hubCookies(agent: UserAgent, hubUrl: string): string {
  return [...agent.cookies(new URL(hubUrl).host)].map(([k, v]) => `${k}=${v}`).join('; ');
}

describeOnEachDatabase('signed-in hub pages', (db) => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub(db().url);
    await createParent(hub.hub.knex, PARENT);
    const admin = await createParent(hub.hub.knex, ADMIN);
    await hub.hub.knex('accounts').where({ id: admin.id }).update({ role: 'admin' });
  });

  after(async () => {
    await hub?.close();
  });

  it('answers an API call without a hub session with 401 and a machine code', async () => {
    const response = await fetch(`${hub.url}/api/me`, { headers: { accept: 'application/json' } });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'sign_in_required');
  });

  it('signs a browser in through the ordinary hub login and brings it back', async () => {
    const agent = await signInToHub(hub.url, PARENT);
    const me = await agent.navigate(`${hub.url}/api/me`);
    assert.equal(me.status, 200);
    const body = JSON.parse(me.body);
    assert.equal(body.role, 'parent');
    const account = await hub.hub.knex('identities').where({ subject: PARENT.phone }).first();
    assert.equal(body.accountId, account.account_id);
  });

  it('never sends the browser back to another site after signing in', async () => {
    const agent = new UserAgent();
    const login = await agent.navigate(
      `${hub.url}/signed-in/start?return=${encodeURIComponent('//evil.example/x')}`,
    );
    const { action, fields } = readForm(login.body, '/password');
    const landed = await agent.navigate(new URL(action, login.url).href, {
      form: { ...fields, ...PARENT },
    });
    assert.equal(landed.url, `${hub.url}/`);
  });

  it('refuses a callback that this browser did not start', async () => {
    const response = await fetch(`${hub.url}/signed-in/callback?code=x&state=forged`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'sign_in_expired');
  });

  it('ends access to the hub pages when the parent logs out of the hub', async () => {
    const agent = await signInToHub(hub.url, PARENT);
    const confirm = await agent.navigate(`${hub.url}/oidc/session/end`);
    const { action, fields } = readForm(confirm.body, '/oidc/session/end/confirm');
    await agent.navigate(new URL(action, confirm.url).href, { form: { ...fields, logout: 'yes' } });

    const me = await agent.request(`${hub.url}/api/me`);
    assert.equal(me.status, 401);
  });

  it('lets only the roles a route names through', async () => {
    const guarded = await startGuardedApp(hub);
    try {
      const parent = await signInToHub(hub.url, PARENT);
      const refused = await fetch(`${guarded.url}/admin-only`, {
        headers: { cookie: hubCookies(parent, hub.url), accept: 'application/json' },
      });
      assert.equal(refused.status, 403);
      assert.equal(((await refused.json()) as { error: string }).error, 'role_forbidden');

      const admin = await signInToHub(hub.url, ADMIN);
      const allowed = await fetch(`${guarded.url}/admin-only`, {
        headers: { cookie: hubCookies(admin, hub.url), accept: 'application/json' },
      });
      assert.equal(allowed.status, 200);
      assert.equal(((await allowed.json()) as { role: string }).role, 'admin');
    } finally {
      guarded.server.close();
    }
  });
});
