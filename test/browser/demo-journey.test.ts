import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort, startHubProcess } from '../helpers/test-hub.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A phone-sized screen: the parents this hub serves mostly sign in on their phones. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** Where the login page's screenshot goes, for a person to look at; overwritten each run. */
const SCREENSHOT_DIR = join(tmpdir(), 'star-parent-hub-screenshots');

type Hub = Awaited<ReturnType<typeof startHubProcess>>;

/** Every URL the tab's top frame requested, redirects included, and every page it showed. */
function recordNavigation(page: Page) {
  const requested: string[] = [];
  const shown: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      requested.push(request.url());
    }
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) shown.push(frame.url());
  });
  return {
    requested,
    shown,
    clear() {
      requested.length = 0;
      shown.length = 0;
    },
  };
}

describe('the newcomer demo journey in a browser', () => {
  let workDir: string | undefined;
  let hub: Hub | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let navigation: ReturnType<typeof recordNavigation>;
  const browserProblems: string[] = [];
  let demoPassword = '';

  const weixuetong = () => `${hub?.url}/demo/weixuetong/`;
  const elearning = () => `${hub?.url}/demo/elearning/`;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must run the browser tests`);
      process.stderr.write(
        `\n  !! ${CHROMIUM} not found: the browser journey was SKIPPED.` +
          '\n  !! Install it with `apt-get install -y chromium` to run it.\n\n',
      );
      this.skip();
    }

    workDir = mkdtempSync(join(tmpdir(), 'hub-demo-journey-'));
    const port = await freePort();
    hub = await startHubProcess({
      PORT: String(port),
      HUB_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: `sqlite:${join(workDir, 'hub.sqlite')}`,
      HUB_SEED_DEMO: 'true',
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext(PHONE);
    page = await context.newPage();
    navigation = recordNavigation(page);
    // A Content-Security-Policy that blocks part of a page, or a script error, shows up here.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/i.test(message.location().url)) {
        browserProblems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close();
    await hub?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('the hub prints the demo parent phone and password on its first start', () => {
    const line = /demo parent: phone (\d{11}) {2}password (\S+)/.exec(hub?.output() ?? '');
    assert.ok(line, `no demo parent line in the hub's output:\n${hub?.output()}`);
    assert.equal(line[1], '13800138000');
    demoPassword = line[2] ?? '';
    assert.doesNotMatch(demoPassword, /^\(/, 'a freshly set password, not the placeholder');
  });

  it('the login page opens in Chinese and switches to English', async () => {
    const other = await browser?.newContext(PHONE);
    assert.ok(other);
    try {
      const tab = await other.newPage();
      await tab.goto(weixuetong());
      await tab.locator('#signin').click();
      await tab.waitForURL(/\/interaction\//);
      assert.equal(await tab.locator('html').getAttribute('lang'), 'zh-CN');
      assert.equal(await tab.locator('h1').textContent(), '登录');

      await tab.getByRole('link', { name: 'English' }).click();
      await tab.locator('h1', { hasText: 'Sign in' }).waitFor();
      assert.equal(await tab.locator('html').getAttribute('lang'), 'en');
      assert.equal(
        await tab.locator('#password-login button[type=submit]').textContent(),
        'Sign in',
      );
      assert.ok(await tab.getByRole('link', { name: '中文' }).count(), 'a way back to Chinese');
    } finally {
      await other.close();
    }
  });

  it('Weixuetong tries a silent login first and then offers a sign-in link', async () => {
    await page.goto(weixuetong());
    await page.locator('#signed-out').waitFor();
    assert.ok(
      navigation.requested.some((url) => new URL(url).searchParams.get('prompt') === 'none'),
      `no prompt=none request in ${navigation.requested.join(' → ')}`,
    );
    assert.ok(
      navigation.requested.some((url) => url.includes('error=login_required')),
      'the hub answered the silent attempt with login_required',
    );
    assert.ok(await page.locator('#signin').isVisible());
  });

  it('a parent signs in to Weixuetong on the hub login page with phone and password', async () => {
    await page.locator('#signin').click();
    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.locator('h1').textContent(), '登录', 'Chinese by default');

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'login-page-390x844.png'), fullPage: true });

    await page.locator('#pw-phone').fill('13800138000');
    await page.locator('#pw-password').fill(demoPassword);
    await page.locator('#password-login button[type=submit]').click();

    await page.waitForURL(weixuetong());
    await page.locator('#signed-in').waitFor();
    assert.equal(await page.locator('#who').textContent(), '演示家长 Demo Parent');
  });

  it('E-learning-net is then signed in without showing any hub page', async () => {
    navigation.clear();
    await page.goto(elearning());
    await page.locator('#signed-in').waitFor();

    assert.equal(page.url(), elearning());
    assert.equal(await page.locator('#who').textContent(), '演示家长 Demo Parent');
    const chain = navigation.requested.join(' → ');
    assert.ok(
      navigation.requested.some((url) => url.includes('/oidc/auth')),
      `the sign-in went through the hub: ${chain}`,
    );
    assert.ok(
      !navigation.requested.some((url) => new URL(url).pathname.startsWith('/interaction/')),
      `no hub interaction was needed: ${chain}`,
    );
    assert.deepEqual(navigation.shown, [elearning()], `only the app page was shown: ${chain}`);
  });

  it('signing out at E-learning-net, once confirmed, signs the parent out of Weixuetong too', async () => {
    await page.locator('#signed-in form button[type=submit]').click();
    const confirm = page.locator('button[type=submit][name=logout][value=yes]');
    await confirm.waitFor();
    assert.ok(new URL(page.url()).pathname.startsWith('/oidc/session/end'));

    await confirm.click();
    await page.waitForURL(`${elearning()}**`);
    await page.locator('#signed-out').waitFor();
    assert.equal(await page.locator('#signed-in').count(), 0);

    // Weixuetong still holds its own session cookie; only the back-channel logout the hub
    // sent it can have ended the session behind that cookie.
    assert.ok(
      (await context.cookies(weixuetong())).some((cookie) => cookie.name === 'demo_weixuetong'),
      'the browser still holds the Weixuetong session cookie',
    );
    await page.goto(weixuetong());
    await page.locator('#signed-in, #signed-out').waitFor();
    assert.equal(await page.locator('#signed-in').count(), 0, 'Weixuetong is still signed in');
    assert.ok(await page.locator('#signed-out').isVisible());
    assert.doesNotMatch(hub?.output() ?? '', /backchannel_logout_refused|backchannel\.error/);
  });

  it('no page of the journey hit a script error or a blocked resource', () => {
    assert.deepEqual(browserProblems, []);
  });
});
