import assert from 'node:assert/strict';
import { AccountStore } from '../../src/accounts/account-store.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { idNumberHmac, maskIdNumber } from '../../src/record/id-numbers.js';
import { InstitutionStore } from '../../src/record/institution-store.js';
import { learningEventId, sessionStart } from '../../src/record/learning-event-id.js';
import { SubmissionStore } from '../../src/record/submission-store.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

describeOnEachDatabase('institutions and submissions in the database', (db) => {
  let knex: Knex;
  let institutions: InstitutionStore;
  let submissions: SubmissionStore;

  before(async () => {
    knex = openDatabase(db().url);
    await migrateToLatest(knex);
    institutions = new InstitutionStore(knex);
    submissions = new SubmissionStore(knex);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('keeps an institution with its column aliases and its one-institution operators', async () => {
    const hospital = await institutions.create({
      kind: 'hospital',
      code: 'H-STORE',
      name: '市妇幼保健院',
      columnAliases: { cardNumber: ['诊疗卡'] },
    });
    const school = await institutions.create({ kind: 'school', code: 'S-STORE', name: '实验小学' });
    assert.deepEqual(hospital.columnAliases, { cardNumber: ['诊疗卡'] });

    const operator = await new AccountStore(knex).create({ role: 'operator', identities: [] });
    await institutions.addOperator(hospital.id, operator.id);
    await institutions.addOperator(school.id, operator.id);
    assert.equal(await institutions.institutionOfOperator(operator.id), school.id);
    assert.deepEqual(await institutions.operatorsOf(hospital.id), []);
  });

  it('records a file once per institution and recognises it by its hash', async () => {
    const institution = await institutions.create({ kind: 'street', code: 'ST-1', name: '街道' });
    const file = {
      institutionId: institution.id,
      fileSha256: 'a'.repeat(64),
      originalName: '签到表.csv',
      storedPath: `${institution.id}/${'a'.repeat(64)}.csv`,
      sizeBytes: 10,
    };
    const first = await submissions.createOrFind(file);
    const again = await submissions.createOrFind(file);
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.submission.id, first.submission.id);
    assert.equal(first.submission.status, 'queued');
  });

  it('lets exactly one of two processors claim a queued submission', async () => {
    const institution = await institutions.create({
      kind: 'school',
      code: 'S-CLAIM',
      name: '中学',
    });
    const { submission } = await submissions.createOrFind({
      institutionId: institution.id,
      fileSha256: 'b'.repeat(64),
      originalName: 'x.csv',
      storedPath: 'x',
      sizeBytes: 1,
    });
    const claims = await Promise.all([
      submissions.claim(submission.id, 'one', 60_000),
      submissions.claim(submission.id, 'two', 60_000),
    ]);
    assert.deepEqual(claims.filter(Boolean).length, 1);
    assert.equal(await submissions.claim(submission.id, 'three', 60_000), false);
    assert.equal(
      await submissions.claim(submission.id, 'three', 60_000, Date.now() + 120_000),
      true,
      'a lease that ran out can be taken over',
    );
  });
});

describe('identifiers of the learning record', () => {
  it('masks an ID number to its region and last four, and keys its HMAC', () => {
    assert.equal(maskIdNumber('330102199001011234'), '3301**********1234');
    assert.notEqual(
      idNumberHmac('k1', '330102199001011234'),
      idNumberHmac('k2', '330102199001011234'),
    );
    assert.equal(
      idNumberHmac('k1', '33010219900101123x'),
      idNumberHmac('k1', '33010219900101123X'),
    );
  });

  it('gives one event id per person and class session, whatever else the row says', () => {
    const parts = {
      institutionCode: 'H1',
      courseKey: 'code:C1',
      sessionDate: '2026-03-01',
      startTime: '09:00',
      accountId: 'acc',
    };
    assert.equal(learningEventId(parts), learningEventId({ ...parts }));
    assert.notEqual(learningEventId(parts), learningEventId({ ...parts, startTime: '14:00' }));
    assert.notEqual(learningEventId(parts), learningEventId({ ...parts, accountId: 'other' }));
    assert.equal(learningEventId(parts).length, 32);
  });

  it('begins an event id with its local start, so ids sort as the sessions do', () => {
    const at = (iso: string) => ({
      institutionCode: 'H1',
      courseKey: 'code:C1',
      sessionDate: iso.slice(0, 10),
      startTime: iso.slice(11, 16),
      accountId: 'acc',
    });
    const morning = learningEventId(at('2026-03-01T09:00'));
    const evening = learningEventId(at('2026-03-01T19:00'));
    const nextDay = learningEventId(at('2026-03-02T08:00'));

    assert.ok(morning.startsWith('202603010900'));
    assert.ok(morning < evening && evening < nextDay);
  });

  it('reads session times in the institutions’ offset', () => {
    assert.equal(
      new Date(sessionStart('2026-03-01', '09:30', '+08:00')).toISOString(),
      '2026-03-01T01:30:00.000Z',
    );
  });
});
