import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import * as arrivalOrder from '../../src/db/migrations/008-learning-events-in-arrival-order.js';
import { ActivityCatalog } from '../../src/record/activity-catalog.js';
import { learningEventId } from '../../src/record/learning-event-id.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  createInstitution,
  createIntake,
  createParent,
  csvFile,
  csvRow,
  eventCount,
  submitAndProcess,
} from './intake-harness.js';

describeOnEachDatabase('learning events stored before they were kept in arrival order', (db) => {
  let knex: Knex;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('are found after the migration, so the same attendance is not stored twice', async () => {
    const intake = await createIntake(knex);
    const hospital = await createInstitution(intake);
    const parent = await createParent(knex, { phone: '+8613800000101' });
    const [activityId] = [
      ...(
        await new ActivityCatalog(knex, hospital.id).idsFor([{ key: 'code:C101', code: 'C101' }])
      ).values(),
    ];
    const parts = {
      institutionCode: hospital.code,
      courseKey: 'code:C101',
      sessionDate: '2026-03-01',
      startTime: '07:30',
      accountId: parent.id,
    };
    // The id as it was computed before: the whole SHA-256 in hex.
    const oldId = createHash('sha256')
      .update(JSON.stringify([hospital.code, 'code:C101', '2026-03-01', '07:30', parent.id]))
      .digest('hex');

    await arrivalOrder.down(knex);
    await knex('learning_events').insert({
      id: oldId,
      account_id: parent.id,
      verb: 'attended',
      activity_id: activityId,
      session_start: Date.parse('2026-03-01T07:30:00+08:00'),
      result_status: 'present',
      source: 'submission:0',
      source_row: 2,
      raw: '{}',
      created_at: Date.now(),
    });
    await arrivalOrder.up(knex);

    const [stored] = await knex('learning_events').select('id', 'seq');
    // Stored as 23:30 UTC the day before: the database's date arithmetic gives the local day.
    assert.equal(stored.id, learningEventId(parts));
    assert.ok(stored.id.startsWith('202603010730'));
    assert.ok(Number(stored.seq) > 0);

    const { submission } = await submitAndProcess(
      intake,
      hospital,
      csvFile([csvRow({ phone: '13800000101', date: '2026-03-01', start: '07:30' })]),
    );
    assert.equal(submission.counts.duplicate, 1);
    assert.equal(submission.counts.imported, 0);
    assert.equal(await eventCount(knex), 1);
  });
});
