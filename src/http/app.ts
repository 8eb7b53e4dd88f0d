import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type Provider from 'oidc-provider';
import type { HubConfig } from '../config.js';
import type { Knex } from '../db/knex.js';
import { type Logger, redactUrl } from '../log.js';
import { HubError } from './errors.js';
import { translator } from './i18n.js';
import { html } from './pages/layout.js';
import { messagePage } from './pages/message-page.js';

type Parts = {
  config: HubConfig;
  knex: Knex;
  provider: Provider;
  log: Logger;
  routers: express.Router[];
  demoApps: Array<{ slug: string; title: string }>;
};

/**
 * Assembles the hub: security headers, health checks, the hub's own pages, the demo apps,
 * then the OpenID Provider, which answers every path the others leave.
 */
export function createApp({ config, knex, provider, log, routers, demoApps }: Parts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // After a login form is posted the browser follows redirects to the app's own
          // origin; a form-action limited to 'self' would block that last hop in Chromium.
          formAction: null,
        },
      },
    }),
  );

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.debug(
        { method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms },
        'http.request',
      );
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks = { database: false, keys: false };
    try {
      await knex.raw('select 1');
      checks.database = true;
      const keys = await knex('signing_keys').whereNull('retired_at').count({ n: '*' }).first();
      checks.keys = Number(keys?.n ?? 0) > 0;
    } catch (error) {
      log.warn({ err: error }, 'readyz.failed');
    }
    const ready = checks.database && checks.keys;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get('/', (_req, res) => {
    const t = translator(config.HUB_DEFAULT_LOCALE);
    const links = demoApps.map(
      (demo) => html`<li><a href="/demo/${demo.slug}/">${demo.title}</a></li>`,
    );
    res.type('html').send(
      messagePage({
        locale: config.HUB_DEFAULT_LOCALE,
        t,
        title: t('hub.title'),
        message: t('login.intro'),
        extra: demoApps.length
          ? html`<h2>${t('home.apps')}</h2>
              <ul>
                ${links}
              </ul>`
          : undefined,
      }),
    );
  });

  for (const router of routers) app.use(router);

  app.use(provider.callback());

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof HubError) {
      res.status(error.status).json(error);
      return;
    }
    log.error({ err: error, url: redactUrl(req.originalUrl) }, 'http.unhandled_error');
    res.status(500).json({ error: 'server_error', message: 'Something went wrong on our side.' });
  });

  return app;
}
