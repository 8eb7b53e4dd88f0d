import type { Request, RequestHandler, Response } from 'express';
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
  const handler = session({
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
  return (req, res, next) =>
    handler(req, res, (error?: unknown) => {
      if (error) return next(error);
      holdResponseUntilSaved(req, res);
      next();
    });
}

/**
 * express-session sends the status line and headers before its store write finishes, so a
 * browser following a redirect can arrive at the next hub process before the session it
 * needs is in the database. Saving first, then ending, closes that race.
 */
function holdResponseUntilSaved(req: Request, res: Response) {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (!req.session) return end(...args);
    req.session.save(() => end(...args));
    return res;
  }) as Response['end'];
}
