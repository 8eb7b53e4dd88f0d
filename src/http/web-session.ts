import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Knex } from '../db/knex.js';
import { hubSecret } from '../oidc/hub-secrets.js';
import { KnexSessionStore } from './session-store.js';

export const WEB_SESSION_COOKIE = 'hub_web_session';

/**
 * The browser session of the hub's own pages that need one: upstream logins keep their
 * state, PKCE verifier and the interaction they belong to here. It is mounted only on those
 * routes, never on the OpenID endpoints, which have their own session.
 */
export async function webSessions(
  knex: Knex,
  options: { secure: boolean; ttlMinutes: number },
): Promise<RequestHandler> {
  const ttlMs = options.ttlMinutes * 60_000;
  return session({
    name: WEB_SESSION_COOKIE,
    secret: await hubSecret(knex, 'session-key'),
    store: new KnexSessionStore(knex, ttlMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      maxAge: ttlMs,
      path: '/',
    },
  });
}
