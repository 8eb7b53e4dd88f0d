import express, { type Request, type Response, Router } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Knex } from '../db/knex.js';
import { readCookie } from '../http/csrf.js';
import { html, page } from '../http/pages/layout.js';
import { translator } from '../http/i18n.js';
import type { Logger } from '../log.js';
import { DemoSessionStore } from './demo-session-store.js';
import { openSealed, sealValue } from './signed-cookie.js';

export type DemoAppOptions = {
  slug: string;
  title: string;
  clientId: string;
  clientSecret: string;
  hubUrl: string;
  secret: string;
  secureCookies: boolean;
  knex: Knex;
  log: Logger;
};

type PendingLogin = { verifier: string; state: string; nonce: string; silent: boolean };

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A small learning app that signs people in through the hub exactly as a real app would:
 * an openid-client v6 relying party with PKCE, state and nonce, a silent (`prompt=none`)
 * attempt on first visit, RP-initiated logout and a back-channel logout endpoint.
 */
export function demoApp(options: DemoAppOptions): Router {
  const router = Router();
  const base = `/demo/${options.slug}`;
  const appUrl = `${options.hubUrl}${base}`;
  const sessions = new DemoSessionStore(options.knex, options.slug);
  const sessionCookie = `demo_${options.slug}`;
  const pendingCookie = `demo_${options.slug}_login`;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies,
    path: base,
  };
  let configuration: Promise<oidc.Configuration> | undefined;

  // Discovery waits for the first request: the hub serving the demo is not listening yet
  // while the demo is being built.
  function hub(): Promise<oidc.Configuration> {
    configuration ??= oidc
      .discovery(new URL(options.hubUrl), options.clientId, options.clientSecret, undefined, {
        execute: options.hubUrl.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  }

  async function currentSession(req: Request) {
    const id = openSealed<string>(options.secret, readCookie(req, sessionCookie));
    return id ? sessions.find(id) : undefined;
  }

  async function startLogin(res: Response, silent: boolean) {
    const config = await hub();
    const pending: PendingLogin = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      silent,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${appUrl}/callback`,
      scope: 'openid profile phone',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      ...(silent ? { prompt: 'none' } : {}),
    });
    res.cookie(pendingCookie, sealValue(options.secret, pending), {
      ...cookieOptions,
      maxAge: 600_000,
    });
    res.redirect(url.href);
  }

  router.get('/', async (req, res) => {
    const session = await currentSession(req);
    if (!session && req.query.signin !== 'manual' && !readCookie(req, `${sessionCookie}_tried`)) {
      await startLogin(res, true);
      return;
    }
    res.type('html').send(homePage(options.title, base, session?.claims));
  });

  router.get('/login', async (_req, res) => {
    await startLogin(res, false);
  });

  router.get('/callback', async (req, res) => {
    const pending = openSealed<PendingLogin>(options.secret, readCookie(req, pendingCookie));
    res.clearCookie(pendingCookie, cookieOptions);
    if (!pending || req.query.state !== pending.state) {
      res.status(400).send('This sign-in was not started here or has expired. Start again.');
      return;
    }

    if (typeof req.query.error === 'string') {
      // A silent attempt answered login_required: remember it for a moment so the home page
      // shows the sign-in button instead of trying again in a loop.
      res.cookie(`${sessionCookie}_tried`, '1', { ...cookieOptions, maxAge: 60_000 });
      res.redirect(303, `${base}/?signin=manual`);
      return;
    }

    const config = await hub();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(`${options.hubUrl}${req.originalUrl}`),
      {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      },
    );
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('the hub returned no ID token');

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const id = await sessions.create({
      sub: claims.sub,
      sid: typeof claims.sid === 'string' ? claims.sid : null,
      claims: { ...userinfo },
      idToken: tokens.id_token,
    });
    res.cookie(sessionCookie, sealValue(options.secret, id), cookieOptions);
    res.clearCookie(`${sessionCookie}_tried`, cookieOptions);
    options.log.info({ app: options.slug, accountId: claims.sub }, 'demo.signed_in');
    res.redirect(303, `${base}/`);
  });

  router.post('/logout', async (req, res) => {
    const session = await currentSession(req);
    res.clearCookie(sessionCookie, cookieOptions);
    if (!session) {
      res.redirect(303, `${base}/?signin=manual`);
      return;
    }

    await sessions.delete(session.id);
    const url = oidc.buildEndSessionUrl(await hub(), {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${appUrl}/`,
    });
    res.cookie(`${sessionCookie}_tried`, '1', { ...cookieOptions, maxAge: 60_000 });
    res.redirect(303, url.href);
  });

  const jwks = () => createRemoteJWKSet(new URL(`${options.hubUrl}/oidc/jwks`));
  let keySet: ReturnType<typeof jwks> | undefined;

  // OpenID Connect Back-Channel Logout 1.0, section 2.6: validate the logout token, then end
  // the local sessions of that hub session.
  router.post(
    '/backchannel-logout',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req, res) => {
      try {
        keySet ??= jwks();
        const { payload } = await jwtVerify(String(req.body.logout_token ?? ''), keySet, {
          issuer: options.hubUrl,
          audience: options.clientId,
          typ: 'logout+jwt',
        });
        const events = payload.events as Record<string, unknown> | undefined;
        if (!events?.[BACKCHANNEL_EVENT] || 'nonce' in payload)
          throw new Error('not a logout token');

        const ended = await sessions.endByHubSession({
          sid: typeof payload.sid === 'string' ? payload.sid : undefined,
          sub: payload.sub,
        });
        options.log.info({ app: options.slug, ended }, 'demo.backchannel_logout');
        res.set('Cache-Control', 'no-store').status(200).end();
      } catch (error) {
        options.log.warn({ app: options.slug, err: error }, 'demo.backchannel_logout_refused');
        res.set('Cache-Control', 'no-store').status(400).json({ error: 'invalid_request' });
      }
    },
  );

  return router;
}

function homePage(title: string, base: string, claims?: Record<string, unknown>): string {
  const t = translator('zh-CN');
  const body = claims
    ? html`<h1>${title}</h1>
        <div class="card" id="signed-in">
          <p>
            已登录 Signed in:
            <strong id="who">${claims.name ?? claims.phone_number ?? claims.sub}</strong>
          </p>
          <p>
            <small>sub: <code id="sub">${claims.sub}</code></small>
          </p>
          ${claims.phone_number ? html`<p><small>${claims.phone_number}</small></p>` : ''}
          <form method="post" action="${base}/logout">
            <button type="submit">退出登录 Sign out</button>
          </form>
        </div>`
    : html`<h1>${title}</h1>
        <div class="card" id="signed-out">
          <p>未登录 Not signed in.</p>
          <p><a href="${base}/login" id="signin">用家长执照账号登录 Sign in with the hub</a></p>
        </div>`;
  return page({ locale: 'zh-CN', t, title, body });
}
