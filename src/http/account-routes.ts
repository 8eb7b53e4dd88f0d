import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AccountStore, Identity } from '../accounts/account-store.js';
import type { IdentityLinks } from '../accounts/identity-links.js';
import { maskPhoneForDisplay, maskSubject } from '../accounts/masking.js';
import type { HubConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { HubSessions } from '../oidc/hub-sessions.js';
import type { Csrf } from './csrf.js';
import { type Locale, type Translate, translator } from './i18n.js';
import { pageLocale } from './page-locale.js';
import { accountPage } from './pages/account-page.js';
import type { SignedIn, SignedInAccount } from './signed-in.js';

/** What the account page needs of the login providers: their labels and identity kinds. */
type ProviderList = {
  all: Array<{
    id: string;
    kind: string;
    label: { 'zh-CN': string; en: string };
    availability?: () => { available: boolean };
  }>;
  providerIdFor(identityProvider: string): string | undefined;
};

type Deps = {
  config: HubConfig;
  signedIn: SignedIn;
  csrf: Csrf;
  accounts: AccountStore;
  links: IdentityLinks;
  sessions: HubSessions;
  providers: ProviderList;
  log: Logger;
};

const identityParams = z.object({ id: z.coerce.number().int().positive() });
const sessionParams = z.object({ id: z.string().regex(/^[\w-]{1,191}$/) });
const NOTICES = { unlinked: 'account.unlinked', ended: 'account.sessionEnded' } as const;

/**
 * `/account`: a signed-in parent sees every linked identity and links another provider,
 * unlinks one (never the last way to sign in), and sees and ends their hub sessions.
 */
export function accountRoutes(deps: Deps): Router {
  const { signedIn, csrf, log } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  function localeOf(req: Request, res: Response): Locale {
    return pageLocale(req, res, deps.config.HUB_DEFAULT_LOCALE);
  }

  function identityLabel(identity: Identity, locale: Locale, t: Translate): string {
    if (identity.provider === 'phone') return t('provider.phone');
    if (identity.provider === 'wechat-union') return t('provider.wechat-union');
    const providerId = deps.providers.providerIdFor(identity.provider);
    const configured = deps.providers.all.find((entry) => entry.id === providerId);
    if (configured) return configured.label[locale];
    if (identity.provider.startsWith('wechat:')) return t('provider.wechat');
    return identity.provider === 'elearning' ? t('provider.elearning') : identity.provider;
  }

  async function render(
    req: Request,
    res: Response,
    extra: { status?: number; error?: string } = {},
  ) {
    const locale = localeOf(req, res);
    const t = translator(locale);
    const me = res.locals.signedIn as SignedInAccount;
    const account = await deps.accounts.findById(me.accountId);
    const identities = await deps.accounts.identitiesOf(me.accountId);
    const sessions = await deps.sessions.listFor(me.accountId);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const notice = done in NOTICES ? t(NOTICES[done as keyof typeof NOTICES]) : undefined;

    res
      .status(extra.status ?? 200)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        accountPage({
          locale,
          t,
          csrfToken: csrf.tokenFor(req, res),
          name: account?.name ?? null,
          identities: identities.map((identity) => ({
            id: identity.id,
            label: identityLabel(identity, locale, t),
            maskedSubject:
              identity.provider === 'phone'
                ? maskPhoneForDisplay(identity.subject)
                : maskSubject(identity.subject),
            linkedAt: identity.createdAt,
            lastUsedAt: identity.lastUsedAt,
            unlinkable: identity.provider !== 'wechat-union',
          })),
          linkable: deps.providers.all
            .filter((entry) => entry.kind !== 'phone')
            .map((entry) => ({
              id: entry.id,
              label: entry.label[locale],
              available: entry.availability?.().available ?? true,
            })),
          sessions: sessions.map((session) => ({
            id: session.id,
            loginAt: session.loginAt,
            apps: session.apps.map((app) => app.name),
            current: session.uid === me.sessionUid,
          })),
          notice,
          ...extra,
        }),
      );
  }

  /** Refuses a form post without a valid CSRF token by showing the page again. */
  async function csrfRefused(req: Request, res: Response): Promise<boolean> {
    if (csrf.isValid(req)) return false;
    await render(req, res, { status: 403, error: translator(localeOf(req, res))('error.csrf') });
    return true;
  }

  router.get('/account', signedIn.require(), async (req, res) => {
    await render(req, res);
  });

  router.post('/account/identities/:id/unlink', signedIn.require(), form, async (req, res) => {
    if (await csrfRefused(req, res)) return;
    const t = translator(localeOf(req, res));
    const params = identityParams.safeParse(req.params);
    const { accountId } = res.locals.signedIn as SignedInAccount;

    const outcome = params.success
      ? await deps.links.unlink(accountId, params.data.id, { ip: req.ip, via: 'account-page' })
      : ({ ok: false, reason: 'not_found' } as const);
    if (!outcome.ok) {
      const lastWay = outcome.reason === 'last_sign_in_method';
      await render(req, res, {
        status: lastWay ? 409 : 404,
        error: lastWay ? t('account.lastWay') : t('account.notFound'),
      });
      return;
    }
    log.info({ accountId, removed: outcome.removed }, 'account.identity_unlinked');
    res.redirect(303, '/account?done=unlinked');
  });

  router.post('/account/sessions/:id/end', signedIn.require(), form, async (req, res) => {
    if (await csrfRefused(req, res)) return;
    const params = sessionParams.safeParse(req.params);
    const me = res.locals.signedIn as SignedInAccount;

    const ended = params.success && (await deps.sessions.end(me.accountId, params.data.id));
    if (!ended) {
      await render(req, res, {
        status: 404,
        error: translator(localeOf(req, res))('error.notFound'),
      });
      return;
    }
    // Ending this browser's own session signs it out; the account page would only ask again.
    const current = !(await signedIn.current(req, res));
    res.redirect(303, current ? '/' : '/account?done=ended');
  });

  return router;
}
