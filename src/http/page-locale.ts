import type { Request, Response } from 'express';
import { readCookie } from './csrf.js';
import { type Locale, pickLocale } from './i18n.js';

/**
 * The language of a hub page outside an interaction: a `lang` choice in the query (then
 * remembered in the same cookie the login page uses), the remembered choice, else the default.
 */
export function pageLocale(req: Request, res: Response, fallback: Locale): Locale {
  const chosen = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  const locale = pickLocale([chosen, readCookie(req, 'hub_lang')], fallback);
  if (chosen) res.cookie('hub_lang', locale, { sameSite: 'lax', httpOnly: true, path: '/' });
  return locale;
}
