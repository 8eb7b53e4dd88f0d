import { type Express, Router } from 'express';
import { AccountStore } from './accounts/account-store.js';
import { AuditLog } from './accounts/audit-log.js';
import { IdentityLinks } from './accounts/identity-links.js';
import type { LinkRulesDeps } from './accounts/link-rules.js';
import { attendanceRouters } from './admin/attendance-routers.js';
import type { HubConfig } from './config.js';
import { type Knex, openDatabase } from './db/knex.js';
import { migrateToLatest } from './db/migrate.js';
import { demoApp } from './demo/demo-app.js';
import { type DemoSeed, seedDemo } from './demo/seed-demo.js';
import { createApp } from './http/app.js';
import { accountRoutes } from './http/account-routes.js';
import { Csrf } from './http/csrf.js';
import { webSessions } from './http/web-session.js';
import { SignedIn } from './http/signed-in.js';
import type { Logger } from './log.js';
import { LoginProviders } from './login/login-providers.js';
import { LoginThrottle } from './login/login-throttle.js';
import { PhoneLogin } from './login/phone-login.js';
import { SmsCodes } from './login/sms-codes.js';
import { upstreamRoutes } from './login/upstream-routes.js';
import { OutboxSmsSender, type SmsSender } from './login/sms-sender.js';
import { AppStore } from './oidc/app-store.js';
import { hubSecret } from './oidc/hub-secrets.js';
import { HubSessions } from './oidc/hub-sessions.js';
import { interactionRoutes } from './oidc/interaction-routes.js';
import { linkProofRoutes } from './oidc/link-proof-routes.js';
import { createProvider, type Provider } from './oidc/provider.js';
import { AttendanceIntake } from './record/attendance-intake.js';

export type Hub = {
  app: Express;
  knex: Knex;
  provider: Provider;
  signedIn: SignedIn;
  loginProviders: LoginProviders;
  intake: AttendanceIntake;
  demo?: DemoSeed;
  close(): Promise<void>;
};

/**
 * Builds a complete hub on the configured database: migrates, loads keys and secrets, seeds
 * the demo when asked, and wires the parts into one Express app. Listening is the caller's.
 */
export async function createHub(
  config: HubConfig,
  log: Logger,
  options: { smsSender?: SmsSender } = {},
): Promise<Hub> {
  const knex = openDatabase(config.DATABASE_URL);
  try {
    const applied = await migrateToLatest(knex);
    if (applied.length > 0) log.info({ migrations: applied }, 'db.migrated');

    const accounts = new AccountStore(knex);
    const apps = new AppStore(knex);
    const audit = new AuditLog(knex);
    const provider = await createProvider({ config, knex, accounts, apps, log });
    const secure = config.HUB_PUBLIC_URL.startsWith('https:');

    const links = new IdentityLinks(knex);
    const phoneLogin = new PhoneLogin({
      accounts,
      audit,
      links,
      throttle: new LoginThrottle(knex, {
        maxFailures: config.LOGIN_MAX_FAILURES,
        lockSeconds: config.LOGIN_LOCK_SECONDS,
      }),
      codes: new SmsCodes(knex, await hubSecret(knex, 'sms-code-key'), config.SMS_CODE_TTL_SECONDS),
      sender: options.smsSender ?? new OutboxSmsSender(knex, log),
      limits: { resendSeconds: config.SMS_RESEND_SECONDS, maxPerHour: config.SMS_MAX_PER_HOUR },
    });
    const csrf = new Csrf(await hubSecret(knex, 'csrf-key'), secure);
    const signedIn = await SignedIn.create({
      provider,
      accounts,
      apps,
      hubUrl: config.HUB_PUBLIC_URL,
      cookieSecret: await hubSecret(knex, 'hub-pages-cookie-key'),
      secureCookies: secure,
      log,
    });
    const loginProviders = new LoginProviders(config.HUB_LOGIN_PROVIDERS, {
      hubUrl: config.HUB_PUBLIC_URL,
      log,
    });
    const linkRules: LinkRulesDeps = {
      accounts,
      links,
      audit,
      providerIdFor: (identityProvider) => loginProviders.providerIdFor(identityProvider),
    };
    const sessions = await webSessions(knex, {
      secure,
      ttlMinutes: config.WEB_SESSION_TTL_MINUTES,
    });
    const intake = await AttendanceIntake.create(knex, config, log);
    const routers = [
      interactionRoutes({ config, provider, phoneLogin, csrf, log, loginProviders }),
      signedIn.router,
      upstreamRoutes({
        config,
        provider,
        providers: loginProviders,
        linkRules,
        sessions,
        signedIn,
        log,
      }),
      linkProofRoutes({
        config,
        provider,
        phoneLogin,
        linkRules,
        providers: loginProviders,
        sessions,
        csrf,
        log,
      }),
      accountRoutes({
        config,
        signedIn,
        csrf,
        accounts,
        links,
        sessions: new HubSessions(knex, provider, log),
        providers: loginProviders,
        log,
      }),
      ...attendanceRouters({ config, intake, provider, signedIn, csrf, accounts, audit }),
    ];

    let demo: DemoSeed | undefined;
    if (config.HUB_SEED_DEMO) {
      demo = await seedDemo(accounts, apps, config.HUB_PUBLIC_URL);
      const demoSecret = await hubSecret(knex, 'demo-cookie-key');
      for (const demoSettings of demo.apps) {
        const router = demoApp({
          ...demoSettings,
          hubUrl: config.HUB_PUBLIC_URL,
          secret: demoSecret,
          secureCookies: secure,
          knex,
          log,
        });
        routers.push(Router().use(`/demo/${demoSettings.slug}`, router));
      }
    }

    const app = createApp({
      config,
      knex,
      provider,
      log,
      routers,
      demoApps: demo?.apps ?? [],
    });
    // Picks up queued submissions, and those a crashed process left half done.
    intake.queue.start();
    return {
      app,
      knex,
      provider,
      signedIn,
      loginProviders,
      intake,
      demo,
      close: async () => {
        loginProviders.close();
        await intake.queue.stop();
        await knex.destroy();
      },
    };
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}
