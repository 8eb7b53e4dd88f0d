import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStore, buildClientMetadata } from '../../src/oidc/app-store.js';
import type { Institution } from '../../src/record/institution-store.js';
import { describeOnEachDatabase } from '../helpers/databases.js';
import { signInToHub } from '../helpers/hub-pages.js';
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

const OPERATOR = { phone: '+8613500000001', password: 'operator password 1' };
const PARENT = { phone: '+8613500000009', password: 'parent password 9' };

/** An access token of a machine app bound to `institution`, from the hub's token endpoint. */
async function institutionAppToken(hub: TestHub, institution: Institution): Promise<string> {
  const metadata = buildClientMetadata({ name: `${institution.code} system`, redirectUris: [] });
  await new AppStore(hub.hub.knex).insert(metadata);
  await hub.hub.intake.institutions.bindApp(institution.id, metadata.client_id);
  const basic = Buffer.from(`${metadata.client_id}:${metadata.client_secret}`).toString('base64');
  const response = await fetch(`${hub.url}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = await answer<{ access_token: string }>(response);
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}

describeOnEachDatabase('submitting attendance files over HTTP', (db) => {
  let hub: TestHub;
  let storage: string;
  let hospital: Institution;
  let school: Institution;
  let operator: ConsoleClient;

  const submissions = (institution: Institution) =>
    `/api/institutions/${institution.code}/submissions`;

  before(async () => {
    storage = mkdtempSync(join(tmpdir(), 'hub-api-submissions-'));
    hub = await startTestHub(db().url, { HUB_SEED_DEMO: 'false', INTAKE_STORAGE_DIR: storage });
    const { institutions } = hub.hub.intake;
    hospital = await institutions.create({ kind: 'hospital', code: 'HOSP', name: '妇幼保健院' });
    school = await institutions.create({ kind: 'school', code: 'SCH', name: '实验小学' });
    const account = await createAccount(
      hub.hub.knex,
      'operator',
      OPERATOR.phone,
      OPERATOR.password,
    );
    await institutions.addOperator(hospital.id, account.id);
    await createAccount(hub.hub.knex, 'parent', PARENT.phone, PARENT.password);
    await createParent(hub.hub.knex, { phone: '+8613800000001' });
    operator = await ConsoleClient.signIn(hub.url, OPERATOR, '/console/institutions/HOSP/upload');
  });

  after(async () => {
    await hub?.close();
  });

  it('accepts a GBK file from its operator, processes it in the background and reports the counts', async () => {
    const file = csvFile(
      [
        csvRow({ phone: '13800000001' }),
        csvRow({ phone: '13800000002' }),
        csvRow({ phone: '13800000001', status: '不知道' }),
      ],
      'gbk',
    );
    const response = await operator.fetch(submissions(hospital), {
      method: 'POST',
      body: fileForm(file, '三月签到表.csv'),
    });
    const accepted = await answer(response);
    assert.equal(response.status, 202, JSON.stringify(accepted));
    assert.equal(accepted.recognised, false);
    assert.equal(accepted.fileName, '三月签到表.csv');
    assert.equal(response.headers.get('location'), accepted.links.self);

    const done = await settled(() => operator.fetch(accepted.links.self));
    assert.equal(done.status, 'done');
    assert.deepEqual(done.counts, {
      read: 3,
      imported: 1,
      duplicate: 0,
      rejected: 1,
      unmatched: 1,
    });
    assert.equal(done.facts.encoding, 'gb18030');

    const again = await operator.fetch(submissions(hospital), {
      method: 'POST',
      body: fileForm(file, 'copy.csv'),
    });
    const recognised = await answer(again);
    assert.equal(again.status, 200);
    assert.equal(recognised.recognised, true);
    assert.equal(recognised.id, accepted.id);
    assert.deepEqual(recognised.counts, done.counts);
  });

  it('writes a report whose cells cannot run as formulas and whose phones are masked', async () => {
    const response = await operator.fetch(submissions(hospital), {
      method: 'POST',
      body: fileForm(
        csvFile([
          csvRow({ name: '"=HYPERLINK(""http://evil.example"",""点我"")"', phone: '13812345678' }),
          csvRow({ name: '@SUM(1)', phone: '13812345678', status: '+1' }),
        ]),
        'formula.csv',
      ),
    });
    const accepted = await answer(response);
    await settled(() => operator.fetch(accepted.links.self));

    const report = await operator.fetch(accepted.links.report);
    assert.equal(report.status, 200);
    assert.match(report.headers.get('content-type') ?? '', /text\/csv/);
    const bytes = Buffer.from(await report.arrayBuffer());
    assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'a BOM for Excel');
    const text = bytes.toString('utf8');
    assert.ok(text.includes(`"'=HYPERLINK(""http://evil.example"",""点我"")"`), text);
    assert.ok(text.includes("'@SUM(1)"), text);
    assert.ok(text.includes(",'+1"), text);
    assert.ok(!text.includes('13812345678'), 'the phone number is masked');
    assert.ok(text.includes('138****5678'));
    assert.doesNotMatch(text, /(^|,)[=+\-@]/m, 'no cell starts with a formula character');
  });

  it('offers the CSV and XLSX templates of the institution’s kind', async () => {
    const csv = await operator.fetch(`/api/institutions/HOSP/template.csv`);
    assert.equal(csv.status, 200);
    assert.match(await csv.text(), /就诊卡号/);
    const xlsx = await operator.fetch(`/api/institutions/HOSP/template.xlsx`);
    assert.equal(xlsx.status, 200);
    assert.equal(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
      'PK',
    );
  });

  it('refuses an operator submitting for another institution', async () => {
    const response = await operator.fetch(submissions(school), {
      method: 'POST',
      body: fileForm(csvFile([csvRow({})]), 'other.csv'),
    });
    assert.equal(response.status, 403);
    assert.equal((await answer<ErrorAnswer>(response)).error, 'institution_forbidden');
    const read = await operator.fetch(`${submissions(school)}/1`);
    assert.equal(read.status, 403);
  });

  it('refuses a browser call that lacks the CSRF header', async () => {
    const response = await operator.fetch(submissions(hospital), {
      method: 'POST',
      body: fileForm(csvFile([csvRow({ course: 'CSRF' })]), 'csrf.csv'),
      csrf: false,
    });
    assert.equal(response.status, 403);
    assert.equal((await answer<ErrorAnswer>(response)).error, 'csrf_failed');
  });

  it('lets an institution’s own app submit for it, and only for it', async () => {
    const token = await institutionAppToken(hub, hospital);
    const upload = (institution: Institution, course: string) =>
      fetch(`${hub.url}${submissions(institution)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: fileForm(csvFile([csvRow({ phone: '13800000001', course })]), 'system.csv'),
      });

    const own = await upload(hospital, 'APP-1');
    assert.equal(own.status, 202);
    const other = await upload(school, 'APP-2');
    assert.equal(other.status, 403);
    assert.equal((await answer<ErrorAnswer>(other)).error, 'institution_forbidden');

    const forged = await fetch(`${hub.url}${submissions(hospital)}`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    assert.equal(forged.status, 401);
  });

  it('refuses parents with 403 and anonymous callers with 401', async () => {
    const agent = await signInToHub(hub.url, PARENT);
    const cookies = [...agent.cookies(new URL(hub.url).host)].map(([k, v]) => `${k}=${v}`);
    const asParent = await fetch(`${hub.url}${submissions(hospital)}`, {
      headers: { cookie: cookies.join('; '), accept: 'application/json' },
    });
    assert.equal(asParent.status, 403);
    assert.equal((await answer<ErrorAnswer>(asParent)).error, 'role_forbidden');

    const anonymous = await fetch(`${hub.url}${submissions(hospital)}`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
  });

  it('refuses a file over the limit it announces before reading it', async () => {
    const response = await operator.fetch(submissions(hospital), {
      method: 'POST',
      body: fileForm(Buffer.alloc(51 * 1024 * 1024, 0x41), 'huge.csv'),
    });
    assert.equal(response.status, 413);
    assert.equal((await answer<ErrorAnswer>(response)).error, 'file_too_large');
  });

  it('stops reading a 200 MB stream at the 50 MB limit and keeps nothing of it', async () => {
    const target = new URL(`${hub.url}${submissions(hospital)}`);
    const boundary = 'hub-test-boundary';
    const total = 200 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x42);

    const result = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0;
        let answered = false;
        const req = request(target, {
          method: 'POST',
          headers: {
            ...operator.headers({
              'content-type': `multipart/form-data; boundary=${boundary}`,
            }),
            // No content length: the hub learns the size only by reading.
            'transfer-encoding': 'chunked',
          },
        });
        req.on('response', (response) => {
          answered = true;
          let body = '';
          response.on('data', (data) => {
            body += data;
          });
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body, sent });
            req.destroy();
          });
        });
        req.on('error', (error) => {
          if (!answered) reject(error);
        });
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
            'Content-Type: text/csv\r\n\r\n',
        );
        const pump = () => {
          while (!answered && sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          if (!answered) req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      },
    );

    assert.equal(result.status, 413);
    assert.equal((JSON.parse(result.body) as ErrorAnswer).error, 'file_too_large');
    assert.ok(result.sent < total, 'the answer came before the whole file was sent');
    assert.deepEqual(readdirSync(join(storage, 'incoming')), [], 'no part file is left');
  });
});

describeOnEachDatabase('a hub with a small upload limit', (db) => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub(db().url, {
      HUB_SEED_DEMO: 'false',
      INTAKE_STORAGE_DIR: mkdtempSync(join(tmpdir(), 'hub-small-limit-')),
      INTAKE_MAX_UPLOAD_BYTES: '4096',
    });
    const institution = await hub.hub.intake.institutions.create({
      kind: 'street',
      code: 'ST',
      name: '街道',
    });
    const account = await createAccount(
      hub.hub.knex,
      'operator',
      OPERATOR.phone,
      OPERATOR.password,
    );
    await hub.hub.intake.institutions.addOperator(institution.id, account.id);
  });

  after(async () => {
    await hub?.close();
  });

  it('answers 413 with a code and a message that says the limit', async () => {
    const operator = await ConsoleClient.signIn(
      hub.url,
      OPERATOR,
      '/console/institutions/ST/upload',
    );
    const rows = Array.from({ length: 200 }, (_, index) => csvRow({ course: `C${index}` }));
    const response = await operator.fetch('/api/institutions/ST/submissions', {
      method: 'POST',
      body: fileForm(csvFile(rows), 'big.csv'),
    });
    assert.equal(response.status, 413);
    const body = await answer<ErrorAnswer>(response);
    assert.equal(body.error, 'file_too_large');
    assert.match(body.message, /MB limit/);
  });
});
