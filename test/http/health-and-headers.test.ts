import assert from 'node:assert/strict';
import request from 'supertest';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';

describeOnEachDatabase('health checks and security headers', (db) => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub(db().url);
  });

  after(async () => {
    await hub?.close();
  });

  it('healthz says the process is up and readyz that the database and keys are ready', async () => {
    await request(hub.hub.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(hub.hub.app).get('/readyz').expect(200);
    assert.deepEqual(ready.body.checks, { database: true, keys: true });
  });

  it('pages carry security headers and the home page lists the demo apps', async () => {
    const response = await request(hub.hub.app).get('/').expect(200);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(response.headers['content-security-policy'] ?? '', /default-src 'self'/);
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.match(response.text, /\/demo\/weixuetong\//);
    assert.match(response.text, /\/demo\/elearning\//);
  });

  it('the login cookies are httpOnly and SameSite', async () => {
    const response = await request(hub.url)
      .get('/oidc/auth')
      .query({
        client_id: 'demo-weixuetong',
        redirect_uri: `${hub.url}/demo/weixuetong/callback`,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })

      .expect(303);
    assert.match(response.headers.location ?? '', /^\/interaction\//);
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    assert.ok(cookies.length > 0);
    for (const cookie of cookies) {
      assert.match(cookie, /httponly/i);
      assert.match(cookie, /samesite=lax/i);
    }
  });

  it('readyz answers 503 when the database is gone', async () => {
    // Last in the suite: this second hub re-seeds the demo apps with its own address.
    const other = await startTestHub(db().url);
    await other.hub.knex.destroy();
    const response = await request(other.hub.app).get('/readyz').expect(503);
    assert.equal(response.body.checks.database, false);
    other.server.close();
  });
});
