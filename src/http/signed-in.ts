import {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import * as oidc from 'openid-client';
import type { AccountStore, Role } from '../accounts/account-store.js';
import { openSealed, sealValue } from '../demo/signed-cookie.js';
import type { Logger } from '../log.js';
import { type AppStore, buildClientMetadata } from '../oidc/app-store.js';
import type { Provider } from '../oidc/provider.js';
import { readCookie } from './csrf.js';
import { HubError } from './errors.js';

export type SignedInAccount = { accountId: string; role: Role; sessionUid: string };

type PendingSignIn = { verifier: string; state: string; nonce: string; returnTo: string };

const CLIENT_ID = 'hub-pages';
const BASE = '/signed-in';
const PENDING_COOKIE = 'hub_signin';

/**
 * The hub's own pages (account page, console) are a first-party app of the hub: a browser
 * without a hub session is sent through the ordinary login at `/oidc/auth`, exactly like any
 * learning app, so every login provider, throttle and consent rule applies here too. Once
 * back, each request reads the live hub session, so logging out anywhere ends access here
 * at once and nothing about the signed-in state is kept outside the provider's session.
 */
export class SignedIn {
  readonly router = Router();
  private configuration?: Promise<oidc.Configuration>;

  private constructor(
    private readonly deps: {
      provider: Provider;
      accounts: AccountStore;
      hubUrl: string;
      clientSecret: string;
      cookieSecret: string;
      secureCookies: boolean;
      log: Logger;
    },
  ) {
    this.router.get(`${BASE}/start`, (req, res, next) => {
      this.startSignIn(req, res).catch(next);
    });
    this.router.get(`${BASE}/callback`, (req, res, next) => {
      this.finishSignIn(req, res).catch(next);
    });
    // The console's scripts ask who is signed in instead of parsing tokens of their own.
    this.router.get('/api/me', this.require(), async (_req, res) => {
      const { accountId, role } = res.locals.signedIn as SignedInAccount;
      const account = await this.deps.accounts.findById(accountId);
      res.set('Cache-Control', 'no-store').json({ accountId, role, name: account?.name ?? null });
    });
  }

  static async create(deps: {
    provider: Provider;
    accounts: AccountStore;
    apps: AppStore;
    hubUrl: string;
    cookieSecret: string;
    secureCookies: boolean;
    log: Logger;
  }): Promise<SignedIn> {
    const wanted = buildClientMetadata({
      clientId: CLIENT_ID,
      name: '星级家长执照 · 账号与管理 Hub account and console',
      redirectUris: [`${deps.hubUrl}${BASE}/callback`],
      postLogoutRedirectUris: [`${deps.hubUrl}/`],
      firstParty: true,
    });
    // Several processes may start together: the first insert wins and all keep its secret,
    // while the redirect URI follows the current public URL.
    await deps.apps.insertIfAbsent(wanted);
    const stored = await deps.apps.clientMetadata(CLIENT_ID);
    wanted.client_secret = String(stored?.client_secret);
    await deps.apps.replaceMetadata(wanted);
    return new SignedIn({ ...deps, clientSecret: wanted.client_secret });
  }

  /** The account signed in at the hub in this browser, if any (no redirect, no error). */
  async current(req: Request, res: Response): Promise<SignedInAccount | undefined> {
    const ctx = this.deps.provider.createContext(req, res);
    const session = await this.deps.provider.Session.get(ctx);
    if (!session.accountId) return undefined;

    const account = await this.deps.accounts.findById(session.accountId);
    if (account?.status !== 'active') return undefined;
    return { accountId: account.id, role: account.role, sessionUid: session.uid };
  }

  /**
   * Lets the request through only for a signed-in account with one of `roles` (any role when
   * omitted) and puts it in `res.locals.signedIn`. A browser asking for a page is sent to
   * sign in and brought back; anything else gets 401/403 JSON.
   */
  require(options: { roles?: Role[] } = {}): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      this.current(req, res)
        .then((signedIn) => {
          if (!signedIn) {
            if (req.method === 'GET' && wantsPage(req)) {
              res.redirect(303, `${BASE}/start?return=${encodeURIComponent(req.originalUrl)}`);
              return;
            }
            throw new HubError(401, 'sign_in_required', 'Sign in at the hub first.');
          }
          if (options.roles && !options.roles.includes(signedIn.role)) {
            throw new HubError(403, 'role_forbidden', 'Your account may not use this page.');
          }
          res.locals.signedIn = signedIn;
          next();
        })
        .catch(next);
    };
  }

  private hub(): Promise<oidc.Configuration> {
    const { hubUrl, clientSecret } = this.deps;
    // Discovery waits for the first sign-in: the hub is not listening while it is being built.
    this.configuration ??= oidc
      .discovery(new URL(hubUrl), CLIENT_ID, clientSecret, undefined, {
        execute: hubUrl.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  private cookieOptions(maxAge?: number) {
    return {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.deps.secureCookies,
      path: BASE,
      ...(maxAge ? { maxAge } : {}),
    };
  }

  private async startSignIn(req: Request, res: Response) {
    const pending: PendingSignIn = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      returnTo: localPath(req.query.return),
    };
    const url = oidc.buildAuthorizationUrl(await this.hub(), {
      redirect_uri: `${this.deps.hubUrl}${BASE}/callback`,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    res.cookie(
      PENDING_COOKIE,
      sealValue(this.deps.cookieSecret, pending),
      this.cookieOptions(600_000),
    );
    res.redirect(303, url.href);
  }

  private async finishSignIn(req: Request, res: Response) {
    const pending = openSealed<PendingSignIn>(
      this.deps.cookieSecret,
      readCookie(req, PENDING_COOKIE),
    );
    res.clearCookie(PENDING_COOKIE, this.cookieOptions());
    if (!pending || req.query.state !== pending.state) {
      throw new HubError(400, 'sign_in_expired', 'This sign-in expired or was not started here.');
    }
    if (typeof req.query.error === 'string') {
      res.redirect(303, '/');
      return;
    }

    // Redeeming the code proves the round trip (PKCE, state, nonce, the ID token's signature);
    // afterwards the live hub session, not these tokens, decides who is signed in.
    const tokens = await oidc.authorizationCodeGrant(
      await this.hub(),
      new URL(`${this.deps.hubUrl}${req.originalUrl}`),
      {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      },
    );
    this.deps.log.info({ accountId: tokens.claims()?.sub }, 'hub_pages.signed_in');
    res.redirect(303, pending.returnTo);
  }
}

function wantsPage(req: Request): boolean {
  if (req.originalUrl.startsWith('/api/')) return false;
  return req.accepts(['html', 'json']) === 'html';
}

/** Only a path on this hub: an open redirect would let a link send a parent anywhere. */
function localPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return '/';
  if (value.includes('\\')) return '/';
  return value;
}
