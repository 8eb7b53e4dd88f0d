import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { AttendanceIntake } from '../../src/record/attendance-intake.js';
import type { Institution } from '../../src/record/institution-store.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import {
  accounted,
  createInstitution,
  createIntake,
  createParent,
  submitAndProcess,
} from './intake-harness.js';

const CORPUS = 'test/fixtures/attendance';
const FILES = readdirSync(CORPUS).filter((name) => /\.(csv|xlsx)$/.test(name));

describeOnEachDatabase('every file of the attendance corpus through the whole pipeline', (db) => {
  let knex: Knex;
  let intake: AttendanceIntake;
  let institution: Institution;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    intake = await createIntake(knex);
    institution = await createInstitution(intake);
    // Some rows of the corpus find their parent, so imported and duplicate counts are exercised.
    for (const phone of ['+8613800138000', '+8613912345678']) {
      await createParent(knex, { phone });
    }
  });

  after(async () => {
    await knex?.destroy();
  });

  it('has files to run', () => {
    assert.ok(FILES.length >= 20, `only ${FILES.length} fixtures in ${CORPUS}`);
  });

  it('counts the second of two identical rows in one file as a duplicate', async () => {
    const other = await createInstitution(intake);
    const { submission } = await submitAndProcess(
      intake,
      other,
      readFileSync(join(CORPUS, 'duplicate-rows.csv')),
      'duplicate-rows.csv',
    );
    assert.ok(submission.counts.imported > 0);
    assert.ok(submission.counts.duplicate > 0);
    const events = await knex('learning_events')
      .where({ source: `submission:${submission.id}` })
      .count({ n: '*' })
      .first();
    assert.equal(Number(events?.n), submission.counts.imported);
  });

  for (const name of FILES) {
    it(`accounts for every row of ${name}, or refuses it as a whole with a reason`, async () => {
      const { submission } = await submitAndProcess(
        intake,
        institution,
        readFileSync(join(CORPUS, name)),
        name,
      );
      assert.ok(
        ['done', 'refused'].includes(submission.status),
        `${name} ended ${submission.status}: ${submission.error?.message}`,
      );
      assert.ok(accounted(submission), `${name}: ${JSON.stringify(submission.counts)}`);
      if (submission.status === 'refused') {
        assert.match(submission.error?.code ?? '', /^[a-z_]+$/);
      }
      const stored = await knex('submission_rows')
        .where({ submission_id: submission.id })
        .count({ n: '*' })
        .first();
      assert.equal(
        Number(stored?.n),
        submission.counts.rejected + submission.counts.unmatched,
        'every rejected and unmatched row is in the report',
      );
    });
  }
});
