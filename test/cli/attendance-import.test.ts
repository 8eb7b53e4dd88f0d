import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountStore } from '../../src/accounts/account-store.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { InstitutionStore, institutionProvider } from '../../src/record/institution-store.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { csvFile, csvRow } from '../record/intake-harness.js';

describeOnEachDatabase('the hub command for institutions and imports', (db) => {
  let knex: Knex;
  const dir = mkdtempSync(join(tmpdir(), 'hub-import-'));

  function hub(args: string[], input?: string) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_URL: db().url,
        INTAKE_STORAGE_DIR: join(dir, 'kept'),
      },
      input,
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  function file(name: string, content: Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  before(function () {
    this.timeout(60_000);
    const migrated = hub(['migrate']);
    assert.equal(migrated.status, 0, migrated.stderr);
    knex = openDatabase(db().url);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('adds and lists institutions, refusing an unknown kind', () => {
    const added = hub([
      'institutions',
      'add',
      '--kind',
      'hospital',
      '--code',
      'HZ-FY',
      '--name',
      '杭州市妇幼保健院',
    ]);
    assert.equal(added.status, 0, added.stderr);
    const listed = JSON.parse(hub(['institutions', 'list', '--json']).stdout);
    assert.deepEqual(
      listed.map((institution: { code: string; kind: string }) => [
        institution.code,
        institution.kind,
      ]),
      [['HZ-FY', 'hospital']],
    );
    const refused = hub(['institutions', 'add', '--kind', 'farm', '--code', 'X', '--name', 'X']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--kind/);
  });

  it('makes a new operator account of an institution with a password from stdin', async () => {
    const added = hub(
      [
        'operators',
        'add',
        '--institution',
        'HZ-FY',
        '--phone',
        '13600000001',
        '--json',
        '--password-stdin',
      ],
      'operator password 1\n',
    );
    assert.equal(added.status, 0, added.stderr);
    const { accountId } = JSON.parse(added.stdout);
    const account = await new AccountStore(knex).findById(accountId);
    assert.equal(account?.role, 'operator');
    const institution = await new InstitutionStore(knex).findByCode('HZ-FY');
    assert.equal(
      await new InstitutionStore(knex).institutionOfOperator(accountId),
      institution?.id,
    );
  });

  it('imports a file, prints its accounting as JSON, and recognises it the second time', async () => {
    const institution = await new InstitutionStore(knex).findByCode('HZ-FY');
    assert.ok(institution);
    await new AccountStore(knex).create({
      identities: [{ provider: institutionProvider('HZ-FY'), subject: 'C-1', verified: true }],
    });
    const path = file(
      '签到表.csv',
      csvFile(
        [csvRow({ card: 'C-1' }), csvRow({ card: 'C-2' }), csvRow({ card: 'C-1', status: '?' })],
        'gbk',
      ),
    );

    const first = hub(['import', path, '--institution', 'HZ-FY', '--json']);
    assert.equal(first.status, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.equal(result.status, 'done');
    assert.equal(result.recognised, false);
    assert.equal(result.facts.encoding, 'gb18030');
    assert.deepEqual(result.counts, {
      read: 3,
      imported: 1,
      duplicate: 0,
      rejected: 1,
      unmatched: 1,
    });

    const second = hub(['import', path, '--institution', 'HZ-FY', '--json']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).recognised, true);
    assert.equal(JSON.parse(second.stdout).id, result.id);
  });

  it('exits with code 3 when the file itself is refused, and 2 for a wrong call', () => {
    const junk = file('junk.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0xff, 0xfe]));
    const refused = hub(['import', junk, '--institution', 'HZ-FY']);
    assert.equal(refused.status, 3, refused.stderr);
    assert.match(refused.stdout, /refused/);

    const unknown = hub(['import', junk, '--institution', 'NOPE']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--institution/);
  });
});
