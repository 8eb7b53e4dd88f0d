import { type Request, type Response, Router } from 'express';
import type { HubConfig } from '../config.js';
import { type Csrf, readCookie } from '../http/csrf.js';
import { HubError } from '../http/errors.js';
import { pickLocale, translator } from '../http/i18n.js';
import { messagePage } from '../http/pages/message-page.js';
import type { SignedIn, SignedInAccount } from '../http/signed-in.js';
import type { AttendanceIntake } from '../record/attendance-intake.js';
import { CONSOLE_SCRIPT } from './pages/console-script.js';
import { institutionsPage } from './pages/institutions-page.js';
import { unmatchedPage } from './pages/unmatched-page.js';
import { uploadPage } from './pages/upload-page.js';

/** The console pages: operators upload files, admins manage institutions and the queue. */
export function consoleRoutes(parts: {
  config: Pick<HubConfig, 'HUB_DEFAULT_LOCALE'>;
  intake: AttendanceIntake;
  signedIn: SignedIn;
  csrf: Csrf;
}): Router {
  const { intake, signedIn, csrf } = parts;
  const router = Router();

  function view(req: Request, res: Response) {
    const chosen = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const locale = pickLocale(
      [chosen, readCookie(req, 'hub_lang'), req.get('accept-language')],
      parts.config.HUB_DEFAULT_LOCALE,
    );
    if (chosen) res.cookie('hub_lang', locale, { sameSite: 'lax', httpOnly: true, path: '/' });
    res.set('Cache-Control', 'no-store');
    return {
      locale,
      t: translator(locale),
      path: req.originalUrl,
      csrfToken: csrf.tokenFor(req, res),
    };
  }
  const account = (res: Response) => res.locals.signedIn as SignedInAccount;

  router.get('/console/assets/console.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(CONSOLE_SCRIPT);
  });

  router.get('/console', signedIn.require({ roles: ['admin', 'operator'] }), async (req, res) => {
    if (account(res).role === 'admin') {
      res.redirect(303, '/console/institutions');
      return;
    }
    const institutionId = await intake.institutions.institutionOfOperator(account(res).accountId);
    const institution = institutionId && (await intake.institutions.findById(institutionId));
    if (!institution) {
      const { locale, t } = view(req, res);
      const title = t('console.title');
      res.type('html').send(messagePage({ locale, t, title, message: t('console.noInstitution') }));
      return;
    }
    res.redirect(303, `/console/institutions/${encodeURIComponent(institution.code)}/upload`);
  });

  router.get(
    '/console/institutions/:code/upload',
    signedIn.require({ roles: ['admin', 'operator'] }),
    async (req, res) => {
      const institution = await intake.institutions.findByCode(String(req.params.code));
      const own =
        account(res).role === 'admin' ||
        (institution &&
          (await intake.institutions.institutionOfOperator(account(res).accountId)) ===
            institution.id);
      if (!institution || !own) {
        throw new HubError(
          403,
          'institution_forbidden',
          'You may submit files only for your own institution.',
        );
      }
      const recent = await intake.submissions.listForInstitution(institution.id, 20);
      res.type('html').send(uploadPage({ ...view(req, res), institution, recent }));
    },
  );

  router.get('/console/institutions', signedIn.require({ roles: ['admin'] }), async (req, res) => {
    const institutions = await Promise.all(
      (await intake.institutions.list()).map(async (institution) => ({
        ...institution,
        operators: (await intake.institutions.operatorsOf(institution.id)).length,
      })),
    );
    res.type('html').send(institutionsPage({ ...view(req, res), institutions }));
  });

  router.get('/console/unmatched', signedIn.require({ roles: ['admin'] }), async (req, res) => {
    const entries = await intake.unmatched.list({ limit: 200 });
    res.type('html').send(unmatchedPage({ ...view(req, res), entries }));
  });

  return router;
}
