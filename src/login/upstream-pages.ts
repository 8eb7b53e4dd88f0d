import type { Request, Response } from 'express';
import { readCookie } from '../http/csrf.js';
import { type Locale, type MessageKey, pickLocale, translator } from '../http/i18n.js';
import type { Logger } from '../log.js';
import type { UpstreamProvider } from './login-provider.js';
import { upstreamFailurePage } from './upstream-failure-page.js';
import { translateOidcError, UpstreamLoginError } from './upstream-login-error.js';

/**
 * The pages the upstream login routes answer with when a login does not go on: why, in the
 * parent's language, with a way back to where they came from.
 */
export class UpstreamPages {
  constructor(
    private readonly defaultLocale: Locale,
    private readonly log: Logger,
  ) {}

  /** Logs the failure (never a code or token: only its reason and the upstream's detail). */
  failure(req: Request, res: Response, error: unknown, upstream?: UpstreamProvider): void {
    const failure = error instanceof UpstreamLoginError ? error : translateOidcError(error);
    const attempt = req.session?.upstreamAttempt;
    this.log.warn(
      {
        provider: upstream?.id,
        reason: failure.reason,
        detail: failure.detail,
        err: failure === error ? undefined : error,
      },
      'login.upstream_failed',
    );
    const backTo = attempt?.interactionUid
      ? `/interaction/${attempt.interactionUid}`
      : attempt?.linkAccountId
        ? '/account'
        : undefined;
    res
      .status(failure.status)
      .type('html')
      .send(
        upstreamFailurePage({
          ...this.language(req),
          failure,
          providerLabel: upstream?.label,
          backTo,
        }),
      );
  }

  notFound(req: Request, res: Response): void {
    const { locale, t } = this.language(req);
    res
      .status(404)
      .type('html')
      .send(
        upstreamFailurePage({
          locale,
          t,
          failure: new UpstreamLoginError('unavailable', 'unknown provider'),
          message: t('upstream.unknownProvider'),
        }),
      );
  }

  /** A linking rule said no: its own words (translated when we know the code), and a way back. */
  refusal(
    req: Request,
    res: Response,
    refusal: { code: string; message: string },
    options: { status: number; backTo: string },
  ): void {
    const { locale, t } = this.language(req);
    const key = `refusal.${refusal.code}`;
    res
      .status(options.status)
      .type('html')
      .send(
        upstreamFailurePage({
          locale,
          t,
          failure: new UpstreamLoginError('refused', refusal.code),
          message: key in REFUSAL_TEXTS ? t(key as MessageKey) : refusal.message,
          code: refusal.code,
          backTo: options.backTo,
        }),
      );
  }

  private language(req: Request) {
    const chosen = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const locale = pickLocale([chosen, readCookie(req, 'hub_lang')], this.defaultLocale);
    return { locale, t: translator(locale) };
  }
}

const REFUSAL_TEXTS = {
  'refusal.identity_conflict': true,
  'refusal.identity_taken': true,
  'refusal.account_disabled': true,
  'refusal.signup_closed': true,
} as const;
