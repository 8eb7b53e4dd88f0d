import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { AccountStore } from '../../src/accounts/account-store.js';
import { hashPassword } from '../../src/accounts/password.js';
import { type Knex, openDatabase } from '../../src/db/knex.js';
import { InstitutionStore } from '../../src/record/institution-store.js';
import { freePort, startHubProcess } from '../helpers/test-hub.js';
import { csvFile, csvRow } from '../record/intake-harness.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'];
const OPERATOR = { phone: '13300000001', password: 'operator password 1' };

type Hub = Awaited<ReturnType<typeof startHubProcess>>;

describe('an operator uploading an attendance file in a browser', () => {
  let workDir: string | undefined;
  let hub: Hub | undefined;
  let knex: Knex | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const browserProblems: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must run the browser tests`);
      process.stderr.write(`\n  !! ${CHROMIUM} not found: the upload journey was SKIPPED.\n\n`);
      this.skip();
    }

    workDir = mkdtempSync(join(tmpdir(), 'hub-upload-journey-'));
    const port = await freePort();
    const databaseUrl = `sqlite:${join(workDir, 'hub.sqlite')}`;
    hub = await startHubProcess({
      PORT: String(port),
      HUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      HUB_SEED_DEMO: 'false',
      INTAKE_STORAGE_DIR: join(workDir, 'submissions'),
    });

    // The hub process migrated the database; the test adds what an admin would have set up.
    knex = openDatabase(databaseUrl);
    const institution = await new InstitutionStore(knex).create({
      kind: 'hospital',
      code: 'FY',
      name: '市妇幼保健院',
    });
    const accounts = new AccountStore(knex);
    const operator = await accounts.create({
      name: '护士长',
      role: 'operator',
      passwordHash: await hashPassword(OPERATOR.password),
      identities: [{ provider: 'phone', subject: `+86${OPERATOR.phone}`, verified: true }],
    });
    await new InstitutionStore(knex).addOperator(institution.id, operator.id);
    await accounts.create({
      name: '李芳',
      identities: [{ provider: 'phone', subject: '+8613800138000', verified: true }],
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/i.test(message.location().url)) {
        browserProblems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await knex?.destroy();
    await hub?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('signs in at the hub and lands on the upload page of the institution', async () => {
    await page.goto(`${hub?.url}/console`);
    await page.waitForURL(/\/interaction\//);
    await page.locator('#pw-phone').fill(OPERATOR.phone);
    await page.locator('#pw-password').fill(OPERATOR.password);
    await page.locator('#password-login button[type=submit]').click();

    await page.waitForURL(/\/console\/institutions\/FY\/upload$/);
    assert.equal(await page.locator('h1').textContent(), '市妇幼保健院');
  });

  it('uploads a GBK CSV and reads the four counts when it is processed', async () => {
    const gbk = csvFile(
      [
        csvRow({ name: '李芳', phone: '13800138000', status: '出勤' }),
        csvRow({ name: '李芳', phone: '13800138000', status: '出勤' }),
        csvRow({ name: '王晓燕', phone: '13912345678', status: '迟到' }),
        csvRow({ name: '张敏', phone: '13800138000', status: '开小差' }),
      ],
      'gbk',
    );
    await page.locator('#file').setInputFiles({
      name: '三月签到表.csv',
      mimeType: 'text/csv',
      buffer: gbk,
    });
    await page.locator('#upload-form button[type=submit]').click();
    await page.locator('#upload[data-state="done"]').waitFor({ timeout: 30_000 });

    const count = (name: string) => page.locator(`[data-count="${name}"]`).textContent();
    assert.equal(await count('read'), '4');
    assert.equal(await count('imported'), '1');
    assert.equal(await count('duplicate'), '1');
    assert.equal(await count('rejected'), '1');
    assert.equal(await count('unmatched'), '1');
    assert.match((await page.locator('#upload-status').textContent()) ?? '', /处理完成/);
    assert.ok(await page.locator('#upload-report').isVisible(), 'a link to the report');
    assert.deepEqual(browserProblems, []);
  });
});
