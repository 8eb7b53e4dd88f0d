import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
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
  csvFile,
  csvRow,
  eventCount,
  submitAndProcess,
} from './intake-harness.js';

describeOnEachDatabase('processing a submission into the learning record', (db) => {
  let knex: Knex;
  let intake: AttendanceIntake;
  let hospital: Institution;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    intake = await createIntake(knex);
    hospital = await createInstitution(intake);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('ends every row as imported, duplicate, rejected or unmatched, and says how many of each', async () => {
    const byCard = await createParent(knex, { card: { institution: hospital, number: 'K-1001' } });
    const byPhone = await createParent(knex, { phone: '+8613800000001' });
    await createParent(knex, { phone: '+8613800000002', verified: false });
    const file = csvFile([
      csvRow({ card: 'K-1001', status: '出勤' }),
      csvRow({ phone: '13800000001', status: '迟到' }),
      csvRow({ phone: '13800000001', status: '迟到' }),
      csvRow({ phone: '13800000002' }),
      csvRow({ card: 'K-9999' }),
      csvRow({ card: 'K-1001', status: '睡觉' }),
      csvRow({ card: 'K-1001', date: '2026-02-30' }),
      csvRow({ card: 'K-1001', date: '2026-03-02', status: '缺勤' }),
    ]);

    const { submission } = await submitAndProcess(intake, hospital, file);

    assert.equal(submission.status, 'done');
    assert.deepEqual(submission.counts, {
      read: 8,
      imported: 3,
      duplicate: 1,
      rejected: 2,
      unmatched: 2,
    });
    assert.ok(accounted(submission));
    assert.equal(submission.facts.format, 'csv');
    assert.equal(submission.facts.encoding, 'utf-8');

    const events = await knex('learning_events')
      .where({ source: `submission:${submission.id}` })
      .orderBy('source_row');
    assert.deepEqual(
      events.map((event) => [event.account_id, event.result_status]),
      [
        [byCard.id, 'present'],
        [byPhone.id, 'late'],
        [byCard.id, 'absent'],
      ],
    );
    assert.equal(
      new Date(Number(events[0].session_start)).toISOString(),
      '2026-03-01T01:00:00.000Z',
      'the session starts at 09:00 in +08:00',
    );

    const problems = await knex('submission_rows')
      .where({ submission_id: submission.id })
      .orderBy('row_number')
      .select('row_number', 'outcome', 'reason_code');
    assert.deepEqual(
      problems.map((row) => [row.outcome, row.reason_code]),
      [
        ['unmatched', 'no_account'],
        ['unmatched', 'no_account'],
        ['rejected', 'unknown_status'],
        ['rejected', 'bad_date'],
      ],
    );
  });

  it('adds a course seen for the first time to the activity catalog, once', async () => {
    const parent = await createParent(knex, { card: { institution: hospital, number: 'K-2001' } });
    await submitAndProcess(
      intake,
      hospital,
      csvFile([
        csvRow({ card: 'K-2001', course: 'NEW-1', courseName: '新生儿护理' }),
        csvRow({ card: 'K-2001', course: 'NEW-1', courseName: '新生儿护理', date: '2026-03-08' }),
      ]),
    );
    const activities = await knex('activities').where({
      institution_id: hospital.id,
      course_key: 'code:NEW-1',
    });
    assert.equal(activities.length, 1);
    assert.equal(activities[0].kind, 'offline_class');
    assert.equal(activities[0].course_name, '新生儿护理');
    assert.equal(activities[0].classification, null);
    assert.equal(await eventCount(knex, { account_id: parent.id }), 2);
  });

  it('recognises the same file submitted again and imports nothing new', async () => {
    await createParent(knex, { card: { institution: hospital, number: 'K-3001' } });
    const file = csvFile([csvRow({ card: 'K-3001', course: 'SAME' })]);
    const first = await submitAndProcess(intake, hospital, file);
    const before = await eventCount(knex);

    const second = await submitAndProcess(intake, hospital, file);

    assert.equal(second.created, false);
    assert.equal(second.submission.id, first.submission.id);
    assert.deepEqual(second.submission.counts, first.submission.counts);
    assert.equal(await eventCount(knex), before);
  });

  it('counts the rows of an overlapping file that are already in the record as duplicates', async () => {
    await createParent(knex, { card: { institution: hospital, number: 'K-4001' } });
    const week1 = csvRow({ card: 'K-4001', course: 'OVL', date: '2026-04-01' });
    const week2 = csvRow({ card: 'K-4001', course: 'OVL', date: '2026-04-08' });
    const week3 = csvRow({ card: 'K-4001', course: 'OVL', date: '2026-04-15' });
    await submitAndProcess(intake, hospital, csvFile([week1, week2]));

    const { submission } = await submitAndProcess(intake, hospital, csvFile([week2, week3, week1]));

    assert.deepEqual(submission.counts, {
      read: 3,
      imported: 1,
      duplicate: 2,
      rejected: 0,
      unmatched: 0,
    });
  });

  it('runs a submission a crash left half done again to the same counts and events', async () => {
    const small = await createIntake(knex, { INTAKE_BATCH_ROWS: 2 });
    await createParent(knex, { card: { institution: hospital, number: 'K-5001' } });
    const rows = [
      csvRow({ card: 'K-5001', course: 'CRASH', date: '2026-05-01' }),
      csvRow({ card: 'K-5001', course: 'CRASH', date: '2026-05-02' }),
      csvRow({ card: 'K-5999', course: 'CRASH', date: '2026-05-03' }),
      csvRow({ card: 'K-5001', course: 'CRASH', date: '2026-05-04', status: '??' }),
      csvRow({ card: 'K-5001', course: 'CRASH', date: '2026-05-05' }),
    ];
    const { submission } = await small.submit({
      institution: hospital,
      originalName: 'crash.csv',
      content: Readable.from([csvFile(rows)]),
    });

    // The process that took it wrote two batches, then died; its lease has run out since.
    await small.processor.process(submission.id, (counts) => {
      if (counts.read >= 4) throw new Error('power cut');
    });
    await knex('submissions')
      .where({ id: submission.id })
      .update({ status: 'processing', lease_until: Date.now() - 1 });
    assert.equal(await eventCount(knex, { source: `submission:${submission.id}` }), 2);

    const rerun = await small.processor.process(submission.id);

    assert.equal(rerun?.status, 'done');
    assert.deepEqual(rerun?.counts, {
      read: 5,
      imported: 3,
      duplicate: 0,
      rejected: 1,
      unmatched: 1,
    });
    assert.equal(await eventCount(knex, { source: `submission:${submission.id}` }), 3);
    const problems = await knex('submission_rows').where({ submission_id: submission.id });
    assert.equal(problems.length, 2, 'the rejected and unmatched rows are not doubled');
  });

  it('does not take a submission another live process is working on', async () => {
    await createParent(knex, { card: { institution: hospital, number: 'K-6001' } });
    const { submission } = await intake.submit({
      institution: hospital,
      originalName: 'busy.csv',
      content: Readable.from([csvFile([csvRow({ card: 'K-6001', course: 'BUSY' })])]),
    });
    assert.equal(await intake.submissions.claim(submission.id, 'other-process', 60_000), true);

    const answer = await intake.processor.process(submission.id);

    assert.equal(answer?.status, 'processing');
    assert.equal(await eventCount(knex, { source: `submission:${submission.id}` }), 0);
  });

  it('refuses a file that cannot be read as a whole, with the reason', async () => {
    const { submission } = await submitAndProcess(intake, hospital, Buffer.alloc(0), 'empty.csv');
    assert.equal(submission.status, 'refused');
    assert.equal(submission.error?.code, 'file_empty');
    assert.ok(submission.error?.messageZh);
  });

  it('refuses a file over the configured rows, keeping what it read before', async () => {
    const short = await createIntake(knex, { INTAKE_MAX_ROWS: 2, INTAKE_BATCH_ROWS: 1 });
    await createParent(knex, { card: { institution: hospital, number: 'K-6501' } });
    const rows = ['2026-06-01', '2026-06-02', '2026-06-03'].map((date) =>
      csvRow({ card: 'K-6501', course: 'LONG', date }),
    );

    const { submission } = await submitAndProcess(short, hospital, csvFile(rows), 'long.csv');

    assert.equal(submission.status, 'refused');
    assert.equal(submission.error?.code, 'too_many_rows');
    assert.match(submission.error?.message ?? '', /more than 2 data rows/);
    assert.equal(submission.counts.read, 2);
    assert.ok(accounted(submission));
  });

  it('never stores an ID number in clear, in any table', async () => {
    const idNumber = '11010519491231002X';
    await createParent(knex, { card: { institution: hospital, number: 'K-7001' } });
    const { submission } = await submitAndProcess(
      intake,
      hospital,
      csvFile([
        csvRow({ card: 'K-7001', idNumber, course: 'IDN' }),
        csvRow({ card: 'K-7999', idNumber, course: 'IDN' }),
        csvRow({ card: 'K-7001', idNumber, course: 'IDN', status: '??' }),
      ]),
    );
    assert.equal(submission.counts.imported, 1);
    assert.equal(submission.counts.unmatched, 1);
    assert.equal(submission.counts.rejected, 1);

    for (const table of [
      'learning_events',
      'submission_rows',
      'submissions',
      'activities',
      'audit_log',
      'identities',
    ]) {
      const rows = await knex(table).select('*');
      const text = JSON.stringify(rows);
      assert.ok(!text.includes(idNumber), `${table} holds the clear ID number`);
      assert.ok(!text.includes(idNumber.slice(4, 14)), `${table} holds the birth date digits`);
    }
    const unmatched = await knex('submission_rows')
      .where({ submission_id: submission.id, outcome: 'unmatched' })
      .first();
    assert.match(unmatched.raw, /1101\*{10}002X/);
  });
});
