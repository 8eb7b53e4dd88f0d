import {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import passport from 'passport';
import { z } from 'zod';
import {
  decideLogin,
  type LinkRulesDeps,
  linkPendingAfterLogin,
  linkToSignedInAccount,
  type VerifiedIdentity,
} from '../accounts/link-rules.js';
import type { HubConfig } from '../config.js';
import { readCookie } from '../http/csrf.js';
import { pickLocale, translator } from '../http/i18n.js';
import type { SignedIn, SignedInAccount } from '../http/signed-in.js';
import type { Logger } from '../log.js';
import type { Provider } from '../oidc/provider.js';
import type { UpstreamProfile, UpstreamProvider } from './login-provider.js';
import type { LoginProviders } from './login-providers.js';
import { upstreamFailurePage } from './upstream-failure-page.js';
import { fromFailureInfo, translateOidcError, UpstreamLoginError } from './upstream-login-error.js';

declare module 'express-session' {
  interface SessionData {
    /** The upstream login this browser started: for an interaction, or to link an account. */
    upstreamAttempt?: { providerId: string; interactionUid?: string; linkAccountId?: string };
    /** A verified upstream identity on its way to the interaction or account it belongs to. */
    upstreamResult?: {
      interactionUid?: string;
      linkAccountId?: string;
      identity: VerifiedIdentity;
    };
    /** An identity waiting for the parent to prove they own the account it points to. */
    pendingLink?: VerifiedIdentity;
  }
}

type Deps = {
  config: HubConfig;
  provider: Provider;
  providers: LoginProviders;
  linkRules: LinkRulesDeps;
  sessions: RequestHandler;
  signedIn: SignedIn;
  log: Logger;
};

const startQuery = z.union([
  z.object({ interaction: z.string().regex(/^[\w-]{1,64}$/) }),
  z.object({ link: z.literal('1') }),
]);

/**
 * The upstream login providers' routes. `/login/:id/start` sends the browser to the upstream
 * (from the login page, or from the account page to link another provider); the upstream
 * sends it back to `/login/:id/callback`, where the strategy verifies the answer. The
 * identity then travels in the browser session to a route that can act on it: the
 * interaction (whose cookie is scoped to `/interaction/<uid>`), or the signed-in account.
 */
export function upstreamRoutes(deps: Deps): Router {
  const { provider, providers, linkRules, sessions, signedIn, log } = deps;
  const router = Router();
  const authenticator = new passport.Passport();

  const page = (req: Request) => {
    const locale = pickLocale(
      [
        typeof req.query.lang === 'string' ? req.query.lang : undefined,
        readCookie(req, 'hub_lang'),
      ],
      deps.config.HUB_DEFAULT_LOCALE,
    );
    return { locale, t: translator(locale) };
  };

  function fail(req: Request, res: Response, error: unknown, upstream?: UpstreamProvider) {
    const failure = asUpstreamError(error);
    const attempt = req.session?.upstreamAttempt;
    log.warn(
      {
        provider: upstream?.id,
        reason: failure.reason,
        detail: failure.detail,
        err: failure.cause,
      },
      'login.upstream_failed',
    );
    res
      .status(failure.status)
      .type('html')
      .send(
        upstreamFailurePage({
          ...page(req),
          failure,
          providerLabel: upstream?.label,
          backTo: attempt?.interactionUid
            ? `/interaction/${attempt.interactionUid}`
            : attempt?.linkAccountId
              ? '/account'
              : undefined,
        }),
      );
  }

  /** Runs the provider's strategy; resolves with the profile, or after it redirected. */
  async function authenticate(req: Request, res: Response, upstream: UpstreamProvider) {
    const strategy = Object.create(await upstream.strategy());
    return new Promise<UpstreamProfile | undefined>((resolve, reject) => {
      authenticator.authenticate(
        strategy,
        { session: false },
        (error: unknown, profile: UpstreamProfile | false, info: unknown) => {
          if (error) reject(error);
          else if (!profile) reject(fromFailureInfo(info));
          else resolve(profile);
        },
      )(req, res, (error?: unknown) => (error ? reject(error) : resolve(undefined)));
      res.once('finish', () => resolve(undefined));
    });
  }

  const upstreamOf = (req: Request) => providers.upstream(String(req.params.providerId));

  router.get('/login/:providerId/start', sessions, async (req, res, next) => {
    const upstream = upstreamOf(req);
    const query = startQuery.safeParse(req.query);
    if (!upstream || !query.success) {
      res.status(404).type('html').send(notFoundPage(req));
      return;
    }

    if ('link' in query.data) {
      signedIn.require()(req, res, (error?: unknown) => {
        if (error) return next(error);
        const { accountId } = res.locals.signedIn as SignedInAccount;
        req.session.upstreamAttempt = { providerId: upstream.id, linkAccountId: accountId };
        authenticate(req, res, upstream).catch((failure) => fail(req, res, failure, upstream));
      });
      return;
    }

    const interactionUid = query.data.interaction;
    if (!(await provider.Interaction.find(interactionUid))) {
      fail(req, res, new UpstreamLoginError('state_mismatch', 'interaction expired'), upstream);
      return;
    }
    req.session.upstreamAttempt = { providerId: upstream.id, interactionUid };
    await authenticate(req, res, upstream).catch((failure) => fail(req, res, failure, upstream));
  });

  router.get('/login/:providerId/callback', sessions, async (req, res) => {
    const upstream = upstreamOf(req);
    const attempt = req.session.upstreamAttempt;
    if (!upstream) {
      res.status(404).type('html').send(notFoundPage(req));
      return;
    }

    try {
      if (attempt?.providerId !== upstream.id) {
        throw new UpstreamLoginError('state_mismatch', 'no login of this provider was started');
      }
      const profile = await authenticate(req, res, upstream);
      if (!profile) return;

      delete req.session.upstreamAttempt;
      const identity: VerifiedIdentity = {
        providerId: upstream.id,
        allowSignup: upstream.allowSignup,
        ...profile,
      };
      req.session.upstreamResult = { ...attempt, identity };
      log.info(
        { provider: upstream.id, interaction: attempt.interactionUid },
        'login.upstream_verified',
      );
      res.redirect(
        303,
        attempt.interactionUid
          ? `/interaction/${attempt.interactionUid}/upstream`
          : `/login/${upstream.id}/linked`,
      );
    } catch (error) {
      fail(req, res, error, upstream);
    }
  });

  router.get('/interaction/:uid/upstream', sessions, async (req, res) => {
    const result = req.session.upstreamResult;
    const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
    const uid = interaction?.uid;
    if (!result || !uid || uid !== req.params.uid || result.interactionUid !== uid) {
      fail(req, res, new UpstreamLoginError('state_mismatch', 'no verified login here'));
      return;
    }
    delete req.session.upstreamResult;

    const { identity } = result;
    const decision = await decideLogin(linkRules, identity, { ip: req.ip });
    log.info(
      { provider: identity.providerId, interaction: interaction.uid, decision: decision.kind },
      'login.upstream_decided',
    );

    if (decision.kind === 'prove-ownership') {
      req.session.pendingLink = identity;
      res.redirect(303, `/interaction/${interaction.uid}/link`);
      return;
    }
    if (decision.kind === 'refused') {
      res
        .status(403)
        .type('html')
        .send(refusalPage(req, decision, `/interaction/${interaction.uid}`));
      return;
    }

    // The proof page sent the parent here to show they own the account their pending
    // identity points to: a login into exactly that account links it, any other links nothing.
    const pending = req.session.pendingLink;
    if (pending) {
      delete req.session.pendingLink;
      await linkPendingAfterLogin(linkRules, pending, decision.accountId, {
        ip: req.ip,
        via: identity.providerId,
      });
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: decision.accountId, amr: [identity.providerId], remember: true } },
      { mergeWithLastSubmission: false },
    );
  });

  router.get('/login/:providerId/linked', sessions, signedIn.require(), async (req, res) => {
    const result = req.session.upstreamResult;
    const { accountId } = res.locals.signedIn as SignedInAccount;
    if (!result?.linkAccountId || result.linkAccountId !== accountId) {
      fail(req, res, new UpstreamLoginError('state_mismatch', 'no link in progress'));
      return;
    }
    delete req.session.upstreamResult;

    const outcome = await linkToSignedInAccount(linkRules, accountId, result.identity, {
      ip: req.ip,
    });
    log.info(
      { provider: result.identity.providerId, outcome: outcome.kind },
      'login.upstream_linked',
    );
    if (outcome.kind === 'refused') {
      res
        .status(409)
        .type('html')
        .send(refusalPage(req, outcome, '/account'));
      return;
    }
    res.redirect(303, '/account');
  });

  function notFoundPage(req: Request) {
    const { locale, t } = page(req);
    return upstreamFailurePage({
      locale,
      t,
      failure: new UpstreamLoginError('unavailable', 'unknown provider'),
      message: t('upstream.unknownProvider'),
    });
  }

  function refusalPage(req: Request, refusal: { code: string; message: string }, backTo: string) {
    const { locale, t } = page(req);
    return upstreamFailurePage({
      locale,
      t,
      failure: new UpstreamLoginError('refused', refusal.code),
      message: refusalText(t, refusal),
      code: refusal.code,
      backTo,
    });
  }

  return router;
}

function refusalText(t: ReturnType<typeof translator>, refusal: { code: string; message: string }) {
  const key = `refusal.${refusal.code}`;
  return key in REFUSAL_KEYS ? t(key as keyof typeof REFUSAL_KEYS) : refusal.message;
}

const REFUSAL_KEYS = {
  'refusal.identity_conflict': true,
  'refusal.identity_taken': true,
  'refusal.account_disabled': true,
  'refusal.signup_closed': true,
} as const;

function asUpstreamError(error: unknown): UpstreamLoginError & { cause?: unknown } {
  if (error instanceof UpstreamLoginError) return error;
  return Object.assign(translateOidcError(error), { cause: error });
}
