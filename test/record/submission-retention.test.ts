import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { deleteExpiredSubmissionFiles } from '../../src/record/submission-retention.js';
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

const DAY = 86_400_000;

describeOnEachDatabase('the retention of submitted files', (db) => {
  let knex: Knex;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('deletes files past the retention period and keeps their submissions and events', async () => {
    const intake = await createIntake(knex);
    const storage = intake.settings.INTAKE_STORAGE_DIR;
    const institution = await createInstitution(intake);
    await createParent(knex, { card: { institution, number: 'R-1' } });
    const old = await submitAndProcess(intake, institution, csvFile([csvRow({ card: 'R-1' })]));
    const recent = await submitAndProcess(
      intake,
      institution,
      csvFile([csvRow({ card: 'R-1', course: 'NEW' })]),
    );
    await knex('submissions')
      .where({ id: old.submission.id })
      .update({ finished_at: Date.now() - 40 * DAY });

    const deleted = await deleteExpiredSubmissionFiles(knex, storage, 30, Date.now());

    assert.equal(deleted, 1);
    assert.ok(!existsSync(join(storage, old.submission.storedPath ?? '')));
    assert.ok(existsSync(join(storage, recent.submission.storedPath ?? '')));
    const kept = await intake.submissions.findById(old.submission.id);
    assert.equal(kept?.storedPath, null);
    assert.deepEqual(kept?.counts, old.submission.counts);
    assert.equal(await eventCount(knex, { source: `submission:${old.submission.id}` }), 1);
    assert.equal(
      await intake.submissions.requeue(old.submission.id),
      false,
      'without its file it cannot be run again',
    );
  });
});
