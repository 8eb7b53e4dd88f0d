import assert from 'node:assert/strict';
import { pino } from 'pino';
import { expiredLoginArtifacts } from '../../jobs/expired-login-artifacts.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { KnexRunCoordinator } from '../../src/db/run-coordinator.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

const HOUR = 3_600_000;
const log = pino({ level: 'silent' });

function payload(id: string, expiresAt: number) {
  return { model: 'AccessToken', id, payload: '{}', expires_at: expiresAt };
}

describeOnEachDatabase('the expired login artifacts job', (db) => {
  let knex: Knex;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('deletes what expired and keeps what can still be used, and a second run deletes nothing', async () => {
    const now = Date.now();
    await knex('oidc_payloads').insert([
      payload('expired', now - HOUR),
      payload('live', now + HOUR),
    ]);
    await knex('sms_codes').insert([
      {
        phone: '+8613700000009',
        attempt_id: 'a',
        code_hash: 'x',
        created_at: now - 50 * HOUR,
        expires_at: now - 49 * HOUR,
      },
      {
        phone: '+8613700000009',
        attempt_id: 'b',
        code_hash: 'y',
        created_at: now,
        expires_at: now + HOUR,
      },
    ]);
    await knex('login_throttle').insert([
      { key: 'phone:idle', failures: 2, locked_until: 0, updated_at: now - 48 * HOUR },
      { key: 'phone:locked', failures: 9, locked_until: now + HOUR, updated_at: now - 48 * HOUR },
    ]);

    const first = await expiredLoginArtifacts.run({ knex, log, now: new Date() });
    assert.equal(first.oidcArtifacts, 1);
    assert.equal(first.smsCodes, 1);
    assert.equal(first.throttleCounters, 1);

    const ids = (await knex('oidc_payloads').select('id')).map((row) => row.id);
    assert.deepEqual(ids, ['live']);
    assert.ok(
      await knex('login_throttle').where({ key: 'phone:locked' }).first(),
      'a live lock stays',
    );

    const second = await expiredLoginArtifacts.run({ knex, log, now: new Date() });
    assert.ok(Object.values(second).every((count) => count === 0));
  });

  it('lets exactly one of several hub processes run a job slot', async () => {
    const coordinators = [
      new KnexRunCoordinator(knex),
      new KnexRunCoordinator(knex),
      new KnexRunCoordinator(knex),
    ];
    const key = `expired-login-artifacts:${new Date().toISOString()}`;
    const elected = await Promise.all(coordinators.map((c) => c.shouldRun(key, 60_000)));
    assert.equal(elected.filter(Boolean).length, 1);

    const winner = coordinators[elected.indexOf(true)] as KnexRunCoordinator;
    await winner.onComplete(key);
    const again = await Promise.all(coordinators.map((c) => c.shouldRun(key, 60_000)));
    assert.equal(again.filter(Boolean).length, 1, 'a finished slot is not run again by another');
    assert.equal(again.indexOf(true), elected.indexOf(true));
  });

  it('lets another process take over a slot whose owner died past its lease', async () => {
    const dead = new KnexRunCoordinator(knex);
    const alive = new KnexRunCoordinator(knex);
    const key = `expired-login-artifacts:takeover-${Date.now()}`;
    assert.equal(await dead.shouldRun(key, 1), true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await alive.shouldRun(key, 60_000), true);
  });
});
