import assert from 'node:assert/strict';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { LoginThrottle } from '../../src/login/login-throttle.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

describeOnEachDatabase('the login throttle', (db) => {
  let knex: Knex;
  let throttle: LoginThrottle;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    throttle = new LoginThrottle(knex, { maxFailures: 3, lockSeconds: 30 });
  });

  after(async () => {
    await knex?.destroy();
  });

  it('locks a key at the limit and doubles the wait with each further failure', async () => {
    const key = 'phone:+8613700000011';
    for (let i = 0; i < 3; i++) await throttle.recordFailure(key);
    const first = await throttle.check([{ key }]);
    assert.equal(first.allowed, false);

    await throttle.recordFailure(key);
    const second = await throttle.check([{ key }]);
    assert.ok(!first.allowed && !second.allowed);
    assert.ok(second.retryAfterSeconds > first.retryAfterSeconds + 20, 'the wait grew');
  });

  it('gives an address a larger allowance than one phone', async () => {
    const key = 'ip:198.51.100.7';
    for (let i = 0; i < 3; i++) await throttle.recordFailure(key, 4);
    assert.equal((await throttle.check([{ key }])).allowed, true);
  });

  it('forgets failures from long ago that never reached a lock', async () => {
    const key = 'phone:+8613700000012';
    await throttle.recordFailure(key);
    await throttle.recordFailure(key);
    await knex('login_throttle')
      .where({ key })
      .update({ updated_at: Date.now() - 2 * 3_600_000 });

    await throttle.recordFailure(key);
    assert.equal((await throttle.check([{ key }])).allowed, true);
    const row = await knex('login_throttle').where({ key }).first('failures');
    assert.equal(Number(row.failures), 1);
  });
});
