import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import {
  createSeparateAccount,
  type LinkRulesDeps,
  type LoginDecision,
  linkAfterProof,
  proofNeeded,
  type VerifiedIdentity,
} from '../accounts/link-rules.js';
import { maskPhoneForDisplay } from '../accounts/masking.js';
import type { HubConfig } from '../config.js';
import type { Csrf } from '../http/csrf.js';
import { type Locale, translator } from '../http/i18n.js';
import { pageLocale } from '../http/page-locale.js';
import { linkProofPage } from '../http/pages/link-proof-page.js';
import { messagePage } from '../http/pages/message-page.js';
import type { Logger } from '../log.js';
import type { PhoneLogin } from '../login/phone-login.js';
import type { Provider } from './provider.js';

type ProviderLabels = {
  all: Array<{
    id: string;
    label: { 'zh-CN': string; en: string };
    availability?: () => { available: boolean };
  }>;
};

type Deps = {
  config: HubConfig;
  provider: Provider;
  phoneLogin: PhoneLogin;
  linkRules: LinkRulesDeps;
  providers: ProviderLabels;
  /** The browser session where the upstream callback left `pendingLink`. */
  sessions: RequestHandler;
  csrf: Csrf;
  log: Logger;
};

declare module 'express-session' {
  interface SessionData {
    /** An identity waiting for the parent to prove they own the account it points to. */
    pendingLink?: VerifiedIdentity;
  }
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
type Pending = {
  interaction: Interaction;
  identity: VerifiedIdentity & { phone: { number: string } };
  candidateAccountId: string;
  via: string[];
};

/**
 * `/interaction/:uid/link`: a parent whose new provider asserted a verified phone that
 * belongs to an existing account proves that account is theirs (SMS code to its phone, or
 * a login with one of its providers) and the provider is linked to it, or they create a
 * separate account that does not get the phone.
 */
export function linkProofRoutes(deps: Deps): Router {
  const { provider, csrf, linkRules, log } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  function localeOf(req: Request, res: Response): Locale {
    return pageLocale(req, res, deps.config.HUB_DEFAULT_LOCALE);
  }

  function label(providerId: string, locale: Locale): string {
    return deps.providers.all.find((entry) => entry.id === providerId)?.label[locale] ?? providerId;
  }

  function available(providerId: string): boolean {
    const entry = deps.providers.all.find((candidate) => candidate.id === providerId);
    return entry?.availability?.().available ?? true;
  }

  function expired(req: Request, res: Response, status = 400) {
    const locale = localeOf(req, res);
    const t = translator(locale);
    res
      .status(status)
      .type('html')
      .send(messagePage({ locale, t, title: t('error.title'), message: t('link.expired') }));
  }

  /** The interaction and its pending identity, or undefined after answering the request. */
  async function pendingFor(req: Request, res: Response): Promise<Pending | undefined> {
    const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
    const identity = req.session.pendingLink;
    if (
      !interaction ||
      interaction.uid !== req.params.uid ||
      interaction.prompt.name !== 'login' ||
      !identity?.phone?.verified
    ) {
      expired(req, res);
      return undefined;
    }

    // Asked again on every request: the phone may have left that account meanwhile.
    const proof = await proofNeeded(linkRules, identity);
    if (!proof) {
      delete req.session.pendingLink;
      expired(req, res);
      return undefined;
    }
    return { interaction, identity: identity as Pending['identity'], ...proof };
  }

  function render(
    req: Request,
    res: Response,
    pending: Pending,
    extra: { status?: number; error?: string; notice?: string; smsSent?: boolean } = {},
  ) {
    const locale = localeOf(req, res);
    res
      .status(extra.status ?? 200)
      .type('html')
      .send(
        linkProofPage({
          locale,
          t: translator(locale),
          uid: pending.interaction.uid,
          csrfToken: csrf.tokenFor(req, res),
          pendingProvider: label(pending.identity.providerId, locale),
          maskedPhone: maskPhoneForDisplay(pending.identity.phone.number),
          providers: pending.via
            .filter((method) => method !== 'sms' && method !== 'phone')
            .map((id) => ({ id, label: label(id, locale), available: available(id) })),
          withPassword: pending.via.includes('phone'),
          ...extra,
        }),
      );
  }

  /** Loads the pending link for a form post, refusing it without a valid CSRF token. */
  async function forPost(req: Request, res: Response): Promise<Pending | undefined> {
    const pending = await pendingFor(req, res);
    if (pending && !csrf.isValid(req)) {
      render(req, res, pending, {
        status: 403,
        error: translator(localeOf(req, res))('error.csrf'),
      });
      return undefined;
    }
    return pending;
  }

  async function finish(req: Request, res: Response, pending: Pending, decision: LoginDecision) {
    const t = translator(localeOf(req, res));
    if (decision.kind !== 'signed-in') {
      log.info({ uid: pending.interaction.uid, decision: decision.kind }, 'link.proof_refused');
      render(req, res, pending, { status: 409, error: t('link.refused') });
      return;
    }

    delete req.session.pendingLink;
    log.info(
      { uid: pending.interaction.uid, accountId: decision.accountId, created: decision.created },
      'link.proof_finished',
    );
    await provider.interactionFinished(
      req,
      res,
      {
        login: {
          accountId: decision.accountId,
          amr: [pending.identity.providerId],
          remember: true,
        },
      },
      { mergeWithLastSubmission: false },
    );
  }

  router.get('/interaction/:uid/link', deps.sessions, async (req, res) => {
    const pending = await pendingFor(req, res);
    if (pending) render(req, res, pending);
  });

  router.post('/interaction/:uid/link/sms/send', deps.sessions, form, async (req, res) => {
    const pending = await forPost(req, res);
    if (!pending) return;

    const t = translator(localeOf(req, res));
    // The same throttle as the login page's codes: per phone and per address.
    const sent = await deps.phoneLogin.sendCode({
      phone: pending.identity.phone.number,
      attemptId: proofAttempt(pending),
      ip: req.ip ?? 'unknown',
    });
    if (sent.ok) {
      render(req, res, pending, { notice: t('link.codeSent'), smsSent: true });
      return;
    }
    if (sent.reason === 'too_many_codes') res.set('Retry-After', String(sent.retryAfterSeconds));
    render(req, res, pending, {
      status: sent.reason === 'too_many_codes' ? 429 : 400,
      error:
        sent.reason === 'too_many_codes'
          ? t('error.tooManyCodes', { seconds: sent.retryAfterSeconds })
          : t('error.badPhone'),
      smsSent: sent.reason === 'too_many_codes',
    });
  });

  router.post('/interaction/:uid/link/sms/verify', deps.sessions, form, async (req, res) => {
    const pending = await forPost(req, res);
    if (!pending) return;

    const t = translator(localeOf(req, res));
    const checked = await deps.phoneLogin.withCode({
      phone: pending.identity.phone.number,
      code: String(req.body.code ?? ''),
      attemptId: proofAttempt(pending),
      ip: req.ip ?? 'unknown',
    });
    // The code opens the account that holds the phone; only that account may get the link.
    if (!checked.ok || checked.accountId !== pending.candidateAccountId) {
      const tooMany = !checked.ok && checked.reason === 'too_many_attempts';
      if (tooMany) res.set('Retry-After', String(checked.retryAfterSeconds));
      render(req, res, pending, {
        status: tooMany ? 429 : 401,
        error: tooMany
          ? t('error.tooManyAttempts', { seconds: checked.retryAfterSeconds })
          : t('error.invalidCode'),
        smsSent: true,
      });
      return;
    }

    const decision = await linkAfterProof(linkRules, pending.candidateAccountId, pending.identity, {
      ip: req.ip,
      via: 'sms',
    });
    await finish(req, res, pending, decision);
  });

  router.post('/interaction/:uid/link/password', deps.sessions, form, async (req, res) => {
    const pending = await forPost(req, res);
    if (!pending?.via.includes('phone')) {
      if (pending) {
        render(req, res, pending, {
          status: 404,
          error: translator(localeOf(req, res))('error.notFound'),
        });
      }
      return;
    }

    const t = translator(localeOf(req, res));
    // The phone login's own check, with its per-phone and per-address limits.
    const checked = await deps.phoneLogin.withPassword({
      phone: pending.identity.phone.number,
      password: String(req.body.password ?? ''),
      ip: req.ip ?? 'unknown',
    });
    if (!checked.ok || checked.accountId !== pending.candidateAccountId) {
      const tooMany = !checked.ok && checked.reason === 'too_many_attempts';
      if (tooMany) res.set('Retry-After', String(checked.retryAfterSeconds));
      render(req, res, pending, {
        status: tooMany ? 429 : 401,
        error: tooMany
          ? t('error.tooManyAttempts', { seconds: checked.retryAfterSeconds })
          : t('error.invalidCredentials'),
      });
      return;
    }

    const decision = await linkAfterProof(linkRules, pending.candidateAccountId, pending.identity, {
      ip: req.ip,
      via: 'phone',
    });
    await finish(req, res, pending, decision);
  });

  router.post('/interaction/:uid/link/separate', deps.sessions, form, async (req, res) => {
    const pending = await forPost(req, res);
    if (!pending) return;

    const decision = await createSeparateAccount(linkRules, pending.identity, { ip: req.ip });
    await finish(req, res, pending, decision);
  });

  return router;
}

/** Codes for a proof are bound to the interaction, apart from the login page's own codes. */
function proofAttempt(pending: Pending): string {
  return `link:${pending.interaction.uid}`;
}
