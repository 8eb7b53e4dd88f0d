import assert from 'node:assert/strict';
import { AuditLog } from '../../src/accounts/audit-log.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { AttendanceIntake } from '../../src/record/attendance-intake.js';
import { type Institution, institutionProvider } from '../../src/record/institution-store.js';
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

describeOnEachDatabase('the unmatched queue', (db) => {
  let knex: Knex;
  let intake: AttendanceIntake;
  let school: Institution;
  let adminId: string;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    intake = await createIntake(knex);
    school = await createInstitution(intake, 'school');
    adminId = (await createParent(knex, { phone: '+8613900000099' })).id;
  });

  after(async () => {
    await knex?.destroy();
  });

  it('replays a resolved row into the record and links the card so the next file matches', async () => {
    const parent = await createParent(knex, { phone: '+8613900000001' });
    const { submission } = await submitAndProcess(
      intake,
      school,
      csvFile([csvRow({ card: 'S-100', course: 'Q1', date: '2026-06-01' })]),
    );
    assert.equal(submission.counts.unmatched, 1);
    const [entry] = await intake.unmatched.list({ institutionId: school.id });
    assert.ok(entry);
    assert.equal(entry.cardNumber, 'S-100');
    assert.equal(entry.sessionDate, '2026-06-01');

    const resolution = await intake.unmatched.resolve({
      id: entry.id,
      accountId: parent.id,
      linkIdentity: true,
      actorAccountId: adminId,
    });

    assert.equal(resolution.outcome, 'imported');
    assert.deepEqual(resolution.linked, {
      provider: institutionProvider(school.code),
      subject: 'S-100',
    });
    assert.equal(await eventCount(knex, { id: resolution.eventId, account_id: parent.id }), 1);
    const after = await intake.submissions.findById(submission.id);
    assert.deepEqual(after?.counts, { ...submission.counts, unmatched: 0, imported: 1 });
    assert.ok(after && accounted(after));
    assert.deepEqual(await intake.unmatched.list({ institutionId: school.id }), []);
    const actions = (await new AuditLog(knex).forAccount(parent.id)).map((a) => a.action);
    assert.ok(actions.includes('identity.linked'));
    assert.ok(actions.includes('unmatched.resolved'));

    const next = await submitAndProcess(
      intake,
      school,
      csvFile([csvRow({ card: 'S-100', course: 'Q1', date: '2026-06-08' })]),
    );
    assert.equal(next.submission.counts.imported, 1, 'the linked card matches by itself');
  });

  it('counts a replay of a row a later file already imported as a duplicate, not a double', async () => {
    const parent = await createParent(knex, { phone: '+8613900000002' });
    const row = csvRow({ phone: '13900000003', course: 'Q2', date: '2026-06-02' });
    const { submission } = await submitAndProcess(intake, school, csvFile([row]));
    const [entry] = await intake.unmatched.list({ institutionId: school.id });
    assert.ok(entry);

    // The parent confirms the phone the file used; a later file with the row then matches.
    await knex('identities').insert({
      account_id: parent.id,
      provider: 'phone',
      subject: '+8613900000003',
      verified: true,
      created_at: Date.now(),
    });
    const later = await submitAndProcess(intake, school, csvFile([row, row.replace('Q2', 'Q3')]));
    assert.equal(later.submission.counts.imported, 2);
    const before = await eventCount(knex, { account_id: parent.id });

    const resolution = await intake.unmatched.resolve({
      id: entry.id,
      accountId: parent.id,
      linkIdentity: false,
      actorAccountId: adminId,
    });

    assert.equal(resolution.outcome, 'duplicate');
    assert.equal(resolution.linked, null);
    assert.equal(await eventCount(knex, { account_id: parent.id }), before);
    const after = await intake.submissions.findById(submission.id);
    assert.deepEqual(after?.counts, { ...submission.counts, unmatched: 0, duplicate: 1 });
  });

  it('keeps a resolution when the submission is processed again', async () => {
    const parent = await createParent(knex, { phone: '+8613900000004' });
    const { submission } = await submitAndProcess(
      intake,
      school,
      csvFile([csvRow({ card: 'S-400', course: 'Q4' }), csvRow({ card: 'S-401', course: 'Q4' })]),
    );
    const entries = await intake.unmatched.list({ institutionId: school.id });
    const first = entries.find((entry) => entry.cardNumber === 'S-400');
    assert.ok(first);
    await intake.unmatched.resolve({
      id: first.id,
      accountId: parent.id,
      linkIdentity: false,
      actorAccountId: adminId,
    });
    const resolved = await intake.submissions.findById(submission.id);

    assert.equal(await intake.submissions.requeue(submission.id), true);
    const rerun = await intake.processor.process(submission.id);

    assert.deepEqual(rerun?.counts, resolved?.counts);
    assert.equal(await eventCount(knex, { source: `submission:${submission.id}` }), 1);
  });

  it('refuses to resolve a row twice, or to an account that does not exist', async () => {
    const parent = await createParent(knex, { phone: '+8613900000005' });
    await submitAndProcess(intake, school, csvFile([csvRow({ card: 'S-500', course: 'Q5' })]));
    const entry = (await intake.unmatched.list({ institutionId: school.id })).find(
      (candidate) => candidate.cardNumber === 'S-500',
    );
    assert.ok(entry);
    await assert.rejects(
      intake.unmatched.resolve({
        id: entry.id,
        accountId: 'no-such-account',
        linkIdentity: false,
        actorAccountId: adminId,
      }),
      { code: 'unknown_account' },
    );
    const resolve = () =>
      intake.unmatched.resolve({
        id: entry.id,
        accountId: parent.id,
        linkIdentity: false,
        actorAccountId: adminId,
      });
    await resolve();
    await assert.rejects(resolve(), { code: 'already_resolved' });
  });
});
