import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

const COOKIE = 'hub_csrf';

/**
 * Signed double-submit CSRF protection for the hub's own forms: a random value in an
 * httpOnly cookie, and in each form an HMAC of it under a secret shared by all hub processes.
 * A cross-site page can neither read the cookie nor compute the token.
 */
export class Csrf {
  constructor(
    private readonly secret: string,
    private readonly secureCookies: boolean,
  ) {}

  private sign(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('base64url');
  }

  /** The token to put in a form, setting the browser's cookie when it has none yet. */
  tokenFor(req: Request, res: Response): string {
    let value = readCookie(req, COOKIE);
    if (!value || !/^[\w-]{32,}$/.test(value)) {
      value = randomBytes(24).toString('base64url');
      res.cookie(COOKIE, value, {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secureCookies,
        path: '/',
      });
    }
    return this.sign(value);
  }

  isValid(req: Request): boolean {
    const value = readCookie(req, COOKIE);
    // Forms post the token as a field; the console's scripts send it as a header (their
    // JSON and multipart bodies are not parsed before this check).
    const given =
      typeof req.body?.csrf === 'string' ? req.body.csrf : (req.get('x-csrf-token') ?? '');
    if (!value || !given) return false;

    const expected = Buffer.from(this.sign(value));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      return decodeURIComponent(part.slice(index + 1).trim());
    }
  }
  return undefined;
}
