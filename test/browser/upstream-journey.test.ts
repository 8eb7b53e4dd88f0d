import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort, startTestHub, type TestHub } from '../helpers/test-hub.js';
import {
  elearningProviderConfig,
  startUpstreamOidc,
  UPSTREAM_CLIENT,
} from '../helpers/upstream-oidc.js';
import { startWechatStandin, wechatProviderConfig } from '../helpers/wechat-standin.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
/** A phone-sized screen: the parents this hub serves mostly sign in on their phones. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** Where the account page's screenshot goes, for a person to look at; overwritten each run. */
const SCREENSHOT_DIR = join(tmpdir(), 'star-parent-hub-screenshots');

const WECHAT_APP = { appId: 'wxjourneyweixuetong', appSecret: 'journey-secret', unionid: true };
const WECHAT_PERSON = 'journey-parent';
const ELEARNING_SUB = 'el-journey-parent';

describe('a parent links WeChat and E-learning-net to one account in a browser', () => {
  let workDir: string | undefined;
  let upstream: Awaited<ReturnType<typeof startUpstreamOidc>> | undefined;
  let wechat: Awaited<ReturnType<typeof startWechatStandin>> | undefined;
  let hub: TestHub | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let accountId = '';
  const browserProblems: string[] = [];

  /** The hub's public URL, on localhost (see `before`). */
  let hubUrl = '';

  function watchForProblems(tab: Page) {
    tab.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/i.test(message.location().url)) {
        browserProblems.push(`console: ${message.text()}`);
      }
    });
    tab.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  }

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must run the browser tests`);
      process.stderr.write(`\n  !! ${CHROMIUM} not found: the upstream journey was SKIPPED.\n\n`);
      this.skip();
    }

    // The browser reaches the hub as localhost and the upstreams as 127.0.0.1: cookies do not
    // tell ports apart, and both the hub and the stand-in E-learning-net are oidc-providers
    // whose session cookies share a name.
    const port = await freePort();
    const url = `http://localhost:${port}`;
    hubUrl = url;
    workDir = mkdtempSync(join(tmpdir(), 'hub-upstream-journey-'));
    upstream = await startUpstreamOidc({
      clients: [{ ...UPSTREAM_CLIENT, redirectUris: [`${url}/login/elearning/callback`] }],
      people: [{ sub: ELEARNING_SUB, name: '李家长（E学网）' }],
    });
    wechat = await startWechatStandin([WECHAT_APP]);
    hub = await startTestHub(
      `sqlite:${join(workDir, 'hub.sqlite')}`,
      {
        HUB_PUBLIC_URL: url,
        HUB_SEED_DEMO: 'true',
        HUB_LOGIN_PROVIDERS: JSON.stringify([
          { id: 'phone', kind: 'phone' },
          elearningProviderConfig(upstream.url),
          wechatProviderConfig(wechat.url, WECHAT_APP),
        ]),
      },
      { port },
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext(PHONE);
    page = await context.newPage();
    watchForProblems(page);
  });

  after(async () => {
    await browser?.close();
    await hub?.close();
    await upstream?.close();
    await wechat?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('signs in to Weixuetong with WeChat', async () => {
    await page.goto(`${hubUrl}/demo/weixuetong/`);
    await page.locator('#signin').click();
    await page.waitForURL(/\/interaction\//);

    await page.locator('#login-wechat-weixuetong').click();
    await page.waitForURL(`${wechat?.url}/**`);
    await page.locator('#person').fill(WECHAT_PERSON);
    await page.locator('button[name=decision][value=allow]').click();

    await page.waitForURL(`${hubUrl}/demo/weixuetong/`);
    await page.locator('#signed-in').waitFor();
    accountId = (await page.locator('#sub').textContent()) ?? '';
    assert.match(accountId, /^[0-9a-f-]{36}$/);
  });

  it('links E-learning-net on the account page', async () => {
    await page.goto(`${hubUrl}/account`);
    await page.locator('#identities').waitFor();
    assert.equal(await page.locator('#identities li').count(), 2, 'the openid and the unionid');

    await page.locator('a[href="/login/elearning/start?link=1"]').click();
    await page.waitForURL(`${upstream?.url}/**`);
    await page.locator('#sub').selectOption(ELEARNING_SUB);
    await page.locator('button[type=submit]:not([name])').click();

    await page.waitForURL(`${hubUrl}/account`);
    await page.locator('#identities').waitFor();
    assert.equal(await page.locator('#identities li').count(), 3, 'E-learning-net was added');
    const linked = await hub?.hub
      .knex('identities')
      .where({ provider: 'elearning', subject: ELEARNING_SUB })
      .first();
    assert.equal(linked?.account_id, accountId);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'account-page-390x844.png'),
      fullPage: true,
    });
  });

  it('signs in to the E-learning-net demo app with E-learning-net on another device and lands on the same account', async () => {
    const other = await browser?.newContext(PHONE);
    assert.ok(other);
    try {
      const tab = await other.newPage();
      watchForProblems(tab);
      await tab.goto(`${hubUrl}/demo/elearning/`);
      await tab.locator('#signin').click();
      await tab.waitForURL(/\/interaction\//);

      await tab.locator('#login-elearning').click();
      await tab.waitForURL(`${upstream?.url}/**`);
      await tab.locator('#sub').selectOption(ELEARNING_SUB);
      await tab.locator('button[type=submit]:not([name])').click();

      await tab.waitForURL(`${hubUrl}/demo/elearning/`);
      await tab.locator('#signed-in').waitFor();
      assert.equal(await tab.locator('#sub').textContent(), accountId);
    } finally {
      await other.close();
    }
  });

  it('no page of the journey hit a script error or a blocked resource', () => {
    assert.deepEqual(browserProblems, []);
  });
});
