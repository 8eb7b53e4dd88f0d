import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';
import { createParent, csvFile, csvRow } from '../record/intake-harness.js';
import {
  answer,
  ConsoleClient,
  createAccount,
  type ErrorAnswer,
  fileForm,
  settled,
} from './console-client.js';

const ADMIN = { phone: '+8613400000001', password: 'admin password 1' };
const OPERATOR = { phone: '+8613400000002', password: 'operator password 2' };

type InstitutionAnswer = { code: string; kind: string; name: string };
type UnmatchedAnswer = { unmatched: Array<{ id: number; cardNumber: string; phone: string }> };

describeOnEachDatabase('the admin API for institutions and the unmatched queue', (db) => {
  let hub: TestHub;
  let admin: ConsoleClient;

  before(async () => {
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      INTAKE_STORAGE_DIR: mkdtempSync(join(tmpdir(), 'hub-admin-api-')),
    });
    await createAccount(hub.hub.knex, 'admin', ADMIN.phone, ADMIN.password);
    await createAccount(hub.hub.knex, 'operator', OPERATOR.phone, OPERATOR.password);
    admin = await ConsoleClient.signIn(hub.url, ADMIN, '/console/institutions');
  });

  after(async () => {
    await hub?.close();
  });

  it('creates, lists, renames and deletes an institution', async () => {
    const created = await admin.fetch('/api/admin/institutions', {
      method: 'POST',
      json: { kind: 'street', code: 'XH-JD', name: '西湖街道' },
    });
    assert.equal(created.status, 201);
    const duplicate = await admin.fetch('/api/admin/institutions', {
      method: 'POST',
      json: { kind: 'street', code: 'XH-JD', name: '又一个' },
    });
    assert.equal(duplicate.status, 409);
    const invalid = await admin.fetch('/api/admin/institutions', {
      method: 'POST',
      json: { kind: 'farm', code: 'a b', name: '' },
    });
    assert.equal(invalid.status, 400);
    assert.equal((await answer<ErrorAnswer>(invalid)).error, 'invalid_request');

    const renamed = await admin.fetch('/api/admin/institutions/XH-JD', {
      method: 'PATCH',
      json: { name: '西湖区西湖街道', columnAliases: { cardNumber: ['居民卡号'] } },
    });
    assert.equal(renamed.status, 200);
    assert.equal((await answer<InstitutionAnswer>(renamed)).name, '西湖区西湖街道');

    const listed = await answer<{ institutions: InstitutionAnswer[] }>(
      await admin.fetch('/api/admin/institutions'),
    );
    assert.ok(listed.institutions.some((institution) => institution.code === 'XH-JD'));

    const deleted = await admin.fetch('/api/admin/institutions/XH-JD', { method: 'DELETE' });
    assert.equal(deleted.status, 204);
  });

  it('makes an operator account a member of one institution, found by phone', async () => {
    await admin.fetch('/api/admin/institutions', {
      method: 'POST',
      json: { kind: 'school', code: 'SY-XX', name: '实验小学' },
    });
    const added = await admin.fetch('/api/admin/institutions/SY-XX/operators', {
      method: 'POST',
      json: { phone: '134 0000 0002' },
    });
    assert.equal(added.status, 201);
    const parentPhone = '+8613400000003';
    await createParent(hub.hub.knex, { phone: parentPhone });
    const parent = await admin.fetch('/api/admin/institutions/SY-XX/operators', {
      method: 'POST',
      json: { phone: parentPhone },
    });
    assert.equal(parent.status, 409, 'a parent account cannot become an operator this way');

    const operator = await ConsoleClient.signIn(
      hub.url,
      OPERATOR,
      '/console/institutions/SY-XX/upload',
    );
    const refused = await operator.fetch('/api/admin/institutions');
    assert.equal(refused.status, 403);
  });

  it('lists an unmatched row and resolves it to the account an admin found by phone', async () => {
    const operator = await ConsoleClient.signIn(
      hub.url,
      OPERATOR,
      '/console/institutions/SY-XX/upload',
    );
    const uploaded = await answer(
      await operator.fetch('/api/institutions/SY-XX/submissions', {
        method: 'POST',
        body: fileForm(csvFile([csvRow({ card: 'XS-042', phone: '13400000009' })]), 'q.csv'),
      }),
    );
    const processed = await settled(() => operator.fetch(uploaded.links.self));
    assert.equal(processed.counts.unmatched, 1);

    const queue = await answer<UnmatchedAnswer>(
      await admin.fetch('/api/admin/unmatched?institution=SY-XX'),
    );
    const [entry] = queue.unmatched;
    assert.ok(entry);
    assert.equal(entry.cardNumber, 'XS-042');

    const parent = await createParent(hub.hub.knex, { phone: '+8613400000010' });
    const found = await answer<{ accounts: Array<{ id: string }> }>(
      await admin.fetch('/api/admin/accounts?phone=13400000010'),
    );
    assert.equal(found.accounts[0]?.id, parent.id);

    const withoutCsrf = await admin.fetch(`/api/admin/unmatched/${entry.id}/resolve`, {
      method: 'POST',
      json: { accountId: parent.id, linkIdentity: true },
      csrf: false,
    });
    assert.equal(withoutCsrf.status, 403);

    const resolved = await admin.fetch(`/api/admin/unmatched/${entry.id}/resolve`, {
      method: 'POST',
      json: { accountId: parent.id, linkIdentity: true },
    });
    assert.equal(resolved.status, 200);
    assert.equal((await answer<{ outcome: string }>(resolved)).outcome, 'imported');

    const after = await settled(() => operator.fetch(uploaded.links.self));
    assert.deepEqual(after.counts, { ...processed.counts, unmatched: 0, imported: 1 });
    const again = await admin.fetch(`/api/admin/unmatched/${entry.id}/resolve`, {
      method: 'POST',
      json: { accountId: parent.id },
    });
    assert.equal(again.status, 409);
  });

  it('shows the admin the institutions and the queue as pages', async () => {
    const institutions = await admin.agent.navigate(`${hub.url}/console/institutions`);
    assert.equal(institutions.status, 200);
    assert.match(institutions.body, /实验小学/);
    const queue = await admin.agent.navigate(`${hub.url}/console/unmatched?lang=en`);
    assert.equal(queue.status, 200);
    assert.match(queue.body, /Unmatched rows/);
    const script = await fetch(`${hub.url}/console/assets/console.js`);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
  });
});
