import assert from 'node:assert/strict';
import type { SessionData } from 'express-session';
import { pino } from 'pino';
import { expiredLoginArtifacts } from '../../jobs/expired-login-artifacts.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { KnexSessionStore } from '../../src/http/session-store.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

const HOUR = 3_600_000;

function sessionUntil(expires: number, extra: Record<string, unknown> = {}): SessionData {
  return {
    cookie: { originalMaxAge: HOUR, expires: new Date(expires), httpOnly: true, path: '/' },
    ...extra,
  } as SessionData;
}

describeOnEachDatabase('the database-backed browser session store', (db) => {
  let knex: Knex;
  let store: KnexSessionStore;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    store = new KnexSessionStore(knex, HOUR);
  });

  after(async () => {
    await knex?.destroy();
  });

  const get = (sid: string) =>
    new Promise<SessionData | null | undefined>((resolve, reject) =>
      store.get(sid, (error, data) => (error ? reject(error) : resolve(data))),
    );
  const set = (sid: string, data: SessionData) =>
    new Promise<void>((resolve, reject) =>
      store.set(sid, data, (error) => (error ? reject(error) : resolve())),
    );
  const destroy = (sid: string) =>
    new Promise<void>((resolve, reject) =>
      store.destroy(sid, (error) => (error ? reject(error) : resolve())),
    );

  it('gives back what was saved, and the latest save wins', async () => {
    await set('s1', sessionUntil(Date.now() + HOUR, { step: 1 }));
    await set('s1', sessionUntil(Date.now() + HOUR, { step: 2 }));
    const data = (await get('s1')) as SessionData & { step?: number };
    assert.equal(data?.step, 2);
  });

  it('never returns an expired session, and a destroyed one is gone', async () => {
    await set('old', sessionUntil(Date.now() - 1000));
    assert.equal(await get('old'), null);

    await set('ended', sessionUntil(Date.now() + HOUR));
    await destroy('ended');
    assert.equal(await get('ended'), null);
  });

  it('touching a session moves its expiry forward', async () => {
    await set('kept', sessionUntil(Date.now() + 1000));
    const later = Date.now() + 5 * HOUR;
    await new Promise<void>((resolve) => store.touch('kept', sessionUntil(later), resolve));
    const row = await knex('web_sessions').where({ sid: 'kept' }).first('expires_at');
    assert.equal(Number(row.expires_at), later);
  });

  it('the expired-login-artifacts job deletes expired sessions and keeps live ones', async () => {
    await set('stale', sessionUntil(Date.now() - HOUR));
    await set('live', sessionUntil(Date.now() + HOUR));

    const counts = await expiredLoginArtifacts.run({
      knex,
      log: pino({ level: 'silent' }),
      now: new Date(),
    });

    assert.ok((counts.webSessions ?? 0) >= 1);
    const left = (await knex('web_sessions').select('sid')).map((row) => row.sid);
    assert.ok(!left.includes('stale'));
    assert.ok(left.includes('live'));
  });
});
