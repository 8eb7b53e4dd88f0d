import express, { type Request, type Response, Router } from 'express';
import type Provider from 'oidc-provider';
import type { HubConfig } from '../config.js';
import type { Csrf } from '../http/csrf.js';
import { readCookie } from '../http/csrf.js';
import { type Locale, pickLocale, type Translate, translator } from '../http/i18n.js';
import { consentPage } from '../http/pages/consent-page.js';
import { loginPage } from '../http/pages/login-page.js';
import { messagePage } from '../http/pages/message-page.js';
import type { Logger } from '../log.js';
import type { LoginProviders } from '../login/login-providers.js';
import type { LoginOutcome, PhoneLogin } from '../login/phone-login.js';

type Deps = {
  config: HubConfig;
  provider: Provider;
  phoneLogin: PhoneLogin;
  csrf: Csrf;
  log: Logger;
  loginProviders: LoginProviders;
};

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The hub's own pages inside an OpenID interaction: the login page (phone + password, phone +
 * SMS code) and the consent page for apps that are not first-party.
 */
export function interactionRoutes({
  config,
  provider,
  phoneLogin,
  csrf,
  log,
  loginProviders,
}: Deps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  function localeFor(req: Request, res: Response, interaction?: Interaction): Locale {
    const chosen = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const locale = pickLocale(
      [chosen, readCookie(req, 'hub_lang'), interaction?.params.ui_locales as string | undefined],
      config.HUB_DEFAULT_LOCALE,
    );
    if (chosen) res.cookie('hub_lang', locale, { sameSite: 'lax', httpOnly: true, path: '/' });
    return locale;
  }

  async function details(req: Request, res: Response): Promise<Interaction | undefined> {
    try {
      const interaction = await provider.interactionDetails(req, res);
      if (interaction.uid !== req.params.uid) throw new Error('interaction mismatch');
      return interaction;
    } catch {
      const locale = localeFor(req, res);
      const t = translator(locale);
      res
        .status(400)
        .type('html')
        .send(
          messagePage({ locale, t, title: t('error.title'), message: t('error.sessionExpired') }),
        );
      return undefined;
    }
  }

  async function appName(interaction: Interaction): Promise<string> {
    const client = await provider.Client.find(String(interaction.params.client_id));
    return String(client?.clientName ?? interaction.params.client_id);
  }

  async function renderLogin(
    req: Request,
    res: Response,
    interaction: Interaction,
    extra: { status?: number; error?: string; notice?: string; phone?: string; smsSent?: boolean },
  ) {
    const locale = localeFor(req, res, interaction);
    const t = translator(locale);
    res
      .status(extra.status ?? 200)
      .type('html')
      .send(
        loginPage({
          locale,
          t,
          uid: interaction.uid,
          appName: await appName(interaction),
          csrfToken: csrf.tokenFor(req, res),
          phoneLogin: loginProviders.phone !== undefined,
          providers: loginProviders.all.flatMap((entry) =>
            entry.kind === 'phone'
              ? []
              : [{ id: entry.id, label: entry.label[locale], ...entry.availability() }],
          ),
          ...extra,
        }),
      );
  }

  /** Loads the interaction for a form post, refusing it without a valid CSRF token. */
  async function forPost(req: Request, res: Response, prompt: string) {
    const interaction = await details(req, res);
    if (!interaction) return undefined;

    if (prompt === 'login' && !loginProviders.phone) {
      res.redirect(303, `/interaction/${interaction.uid}`);
      return undefined;
    }
    if (!csrf.isValid(req)) {
      const t = translator(localeFor(req, res, interaction));
      await renderLogin(req, res, interaction, { status: 403, error: t('error.csrf') });
      return undefined;
    }
    if (interaction.prompt.name !== prompt) {
      res.redirect(303, `/interaction/${interaction.uid}`);
      return undefined;
    }
    return interaction;
  }

  function failureMessage(t: Translate, outcome: Exclude<LoginOutcome, { ok: true }>): string {
    switch (outcome.reason) {
      case 'bad_phone':
        return t('error.badPhone');
      case 'invalid_code':
        return t('error.invalidCode');
      case 'too_many_attempts':
        return t('error.tooManyAttempts', { seconds: outcome.retryAfterSeconds });
      default:
        return t('error.invalidCredentials');
    }
  }

  async function finishLogin(
    req: Request,
    res: Response,
    interaction: Interaction,
    outcome: LoginOutcome,
    method: 'pwd' | 'sms',
  ) {
    if (!outcome.ok) {
      const t = translator(localeFor(req, res, interaction));
      const status = outcome.reason === 'too_many_attempts' ? 429 : 401;
      if (outcome.reason === 'too_many_attempts') {
        res.set('Retry-After', String(outcome.retryAfterSeconds));
      }
      log.info({ uid: interaction.uid, method, reason: outcome.reason }, 'login.failed');
      await renderLogin(req, res, interaction, {
        status,
        error: failureMessage(t, outcome),
        phone: String(req.body.phone ?? ''),
        smsSent: method === 'sms' && outcome.reason === 'invalid_code',
      });
      return;
    }

    log.info({ uid: interaction.uid, accountId: outcome.accountId, method }, 'login.succeeded');
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: outcome.accountId, amr: [method], remember: true } },
      { mergeWithLastSubmission: false },
    );
  }

  router.get('/interaction/:uid', async (req, res) => {
    const interaction = await details(req, res);
    if (!interaction) return;

    if (interaction.prompt.name === 'login') {
      await renderLogin(req, res, interaction, {});
      return;
    }

    const locale = localeFor(req, res, interaction);
    res.type('html').send(
      consentPage({
        locale,
        t: translator(locale),
        uid: interaction.uid,
        appName: await appName(interaction),
        scopes: String(interaction.params.scope ?? '').split(' '),
        csrfToken: csrf.tokenFor(req, res),
      }),
    );
  });

  router.post('/interaction/:uid/password', form, async (req, res) => {
    const interaction = await forPost(req, res, 'login');
    if (!interaction) return;

    const outcome = await phoneLogin.withPassword({
      phone: String(req.body.phone ?? ''),
      password: String(req.body.password ?? ''),
      ip: req.ip ?? 'unknown',
    });
    await finishLogin(req, res, interaction, outcome, 'pwd');
  });

  router.post('/interaction/:uid/sms/send', form, async (req, res) => {
    const interaction = await forPost(req, res, 'login');
    if (!interaction) return;

    const t = translator(localeFor(req, res, interaction));
    const outcome = await phoneLogin.sendCode({
      phone: String(req.body.phone ?? ''),
      attemptId: interaction.uid,
      ip: req.ip ?? 'unknown',
    });
    if (outcome.ok) {
      await renderLogin(req, res, interaction, {
        notice: t('login.codeSent'),
        phone: String(req.body.phone),
        smsSent: true,
      });
      return;
    }

    const tooMany = outcome.reason === 'too_many_codes';
    if (tooMany) res.set('Retry-After', String(outcome.retryAfterSeconds));
    await renderLogin(req, res, interaction, {
      status: tooMany ? 429 : 400,
      error: tooMany
        ? t('error.tooManyCodes', { seconds: outcome.retryAfterSeconds })
        : t('error.badPhone'),
      phone: String(req.body.phone ?? ''),
      smsSent: tooMany,
    });
  });

  router.post('/interaction/:uid/sms/verify', form, async (req, res) => {
    const interaction = await forPost(req, res, 'login');
    if (!interaction) return;

    const outcome = await phoneLogin.withCode({
      phone: String(req.body.phone ?? ''),
      code: String(req.body.code ?? ''),
      attemptId: interaction.uid,
      ip: req.ip ?? 'unknown',
    });
    await finishLogin(req, res, interaction, outcome, 'sms');
  });

  router.post('/interaction/:uid/consent', form, async (req, res) => {
    const interaction = await forPost(req, res, 'consent');
    if (!interaction) return;

    if (req.body.decision !== 'allow') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the parent declined' },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    const { prompt, params, session } = interaction;
    const grant = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : new provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error('grant vanished during consent');

    const missingScope = prompt.details.missingOIDCScope as string[] | undefined;
    const missingClaims = prompt.details.missingOIDCClaims as string[] | undefined;
    if (missingScope) grant.addOIDCScope(missingScope.join(' '));
    if (missingClaims) grant.addOIDCClaims(missingClaims);

    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: interaction.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
  });

  router.get('/interaction/:uid/abort', async (req, res) => {
    const interaction = await details(req, res);
    if (!interaction) return;
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the parent cancelled the login' },
      { mergeWithLastSubmission: false },
    );
  });

  return router;
}
