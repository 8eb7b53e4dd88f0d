import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AccountStore } from '../../src/accounts/account-store.js';
import { verifyPassword } from '../../src/accounts/password.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { listSigningKeys, loadSigningKeys } from '../../src/oidc/signing-keys.js';
import { describeOnEachDatabase } from '../helpers/databases.js';

function hub(databaseUrl: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    input,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describeOnEachDatabase('the hub command', (db) => {
  let knex: Knex;

  before(function () {
    this.timeout(60_000);
    const migrated = hub(db().url, ['migrate']);
    assert.equal(migrated.status, 0, migrated.stderr);
    knex = openDatabase(db().url);
  });

  after(async () => {
    await knex?.destroy();
  });

  it('registers an app and prints its client id and secret once, as JSON for scripts', () => {
    const added = hub(db().url, [
      'apps',
      'add',
      '--name',
      '家长执照 Licence pages',
      '--redirect-uri',
      'https://licence.example.cn/callback',
      '--first-party',
      '--json',
    ]);
    assert.equal(added.status, 0, added.stderr);
    const app = JSON.parse(added.stdout);
    assert.ok(app.client_id && app.client_secret);

    const listed = hub(db().url, ['apps', 'list', '--json']);
    const apps = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    const found = apps.find((entry) => entry.clientId === app.client_id);
    assert.ok(found);
    assert.equal(found.firstParty, true);
    assert.ok(!listed.stdout.includes(app.client_secret), 'the list never shows the secret');
  });

  it('refuses an app whose redirect URI carries a fragment, with exit code 2', () => {
    const refused = hub(db().url, [
      'apps',
      'add',
      '--name',
      'Bad',
      '--redirect-uri',
      'https://x.example/cb#a',
    ]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /fragment/);
  });

  it('adds an account with a normalised phone and a password read from stdin', async () => {
    const added = hub(
      db().url,
      [
        'accounts',
        'add',
        '--phone',
        '139 0000 1234',
        '--name',
        '王老师',
        '--role',
        'admin',
        '--password-stdin',
        '--json',
      ],
      'a long enough password\n',
    );
    assert.equal(added.status, 0, added.stderr);
    const account = await new AccountStore(knex).findByIdentity('phone', '+8613900001234');
    assert.equal(account?.role, 'admin');
    assert.ok(await verifyPassword(account?.passwordHash ?? '', 'a long enough password'));

    const again = hub(
      db().url,
      ['accounts', 'add', '--phone', '13900001234', '--password-stdin'],
      'another password\n',
    );
    assert.equal(again.status, 2);
  });

  it('rotates the signing key and keeps the old one published', async () => {
    await loadSigningKeys(knex);
    const [current] = await listSigningKeys(knex);
    const rotated = hub(db().url, ['keys', 'rotate']);
    assert.equal(rotated.status, 0, rotated.stderr);

    const keys = await listSigningKeys(knex);
    assert.equal(keys.length, 2);
    assert.notEqual(keys.find((key) => key.retiredAt === null)?.kid, current?.kid);
    assert.ok(keys.find((key) => key.kid === current?.kid)?.retiredAt, 'the old key is retired');
  });
});
