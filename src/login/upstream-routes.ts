import { type Request, type RequestHandler, type Response, Router } from 'express';
import passport from 'passport';
import { z } from 'zod';
import type { LinkRulesDeps, VerifiedIdentity } from '../accounts/link-rules.js';
import type { HubConfig } from '../config.js';
import type { SignedIn, SignedInAccount } from '../http/signed-in.js';
import type { Logger } from '../log.js';
import type { Provider } from '../oidc/provider.js';
import type { UpstreamProfile, UpstreamProvider } from './login-provider.js';
import type { LoginProviders } from './login-providers.js';
import { upstreamFinishRoutes } from './upstream-finish-routes.js';
import { fromFailureInfo, UpstreamLoginError } from './upstream-login-error.js';
import { UpstreamPages } from './upstream-pages.js';

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
  /** express-session with the hub's store, mounted only on the routes that need it. */
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
 * interaction (whose cookie is scoped to `/interaction/<uid>`), or the signed-in account
 * (`upstream-finish-routes.ts`).
 */
export function upstreamRoutes(deps: Deps): Router {
  const { provider, providers, linkRules, sessions, signedIn, log } = deps;
  const router = Router();
  const authenticator = new passport.Passport();

  const pages = new UpstreamPages(deps.config.HUB_DEFAULT_LOCALE, log);

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
      pages.notFound(req, res);
      return;
    }

    if ('link' in query.data) {
      signedIn.require()(req, res, (error?: unknown) => {
        if (error) return next(error);
        const { accountId } = res.locals.signedIn as SignedInAccount;
        req.session.upstreamAttempt = { providerId: upstream.id, linkAccountId: accountId };
        authenticate(req, res, upstream).catch((failure) =>
          pages.failure(req, res, failure, upstream),
        );
      });
      return;
    }

    const interactionUid = query.data.interaction;
    if (!(await provider.Interaction.find(interactionUid))) {
      pages.failure(
        req,
        res,
        new UpstreamLoginError('state_mismatch', 'interaction expired'),
        upstream,
      );
      return;
    }
    req.session.upstreamAttempt = { providerId: upstream.id, interactionUid };
    await authenticate(req, res, upstream).catch((failure) =>
      pages.failure(req, res, failure, upstream),
    );
  });

  router.get('/login/:providerId/callback', sessions, async (req, res) => {
    const upstream = upstreamOf(req);
    const attempt = req.session.upstreamAttempt;
    if (!upstream) {
      pages.notFound(req, res);
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
      pages.failure(req, res, error, upstream);
    }
  });

  router.use(upstreamFinishRoutes({ provider, linkRules, sessions, signedIn, pages, log }));

  return router;
}
