import { type RequestHandler, Router } from 'express';
import {
  decideLogin,
  type LinkRulesDeps,
  linkPendingAfterLogin,
  linkToSignedInAccount,
} from '../accounts/link-rules.js';
import type { SignedIn, SignedInAccount } from '../http/signed-in.js';
import type { Logger } from '../log.js';
import type { Provider } from '../oidc/provider.js';
import type { UpstreamPages } from './upstream-pages.js';
import { UpstreamLoginError } from './upstream-login-error.js';

type Deps = {
  provider: Provider;
  linkRules: LinkRulesDeps;
  sessions: RequestHandler;
  signedIn: SignedIn;
  pages: UpstreamPages;
  log: Logger;
};

/**
 * Where a verified upstream identity is acted on: in the OpenID interaction it was started
 * from (the linking rules decide, then the interaction finishes, or the proof page takes
 * over), or on the signed-in account that asked to link it.
 */
export function upstreamFinishRoutes({
  provider,
  linkRules,
  sessions,
  signedIn,
  pages,
  log,
}: Deps): Router {
  const router = Router();

  router.get('/interaction/:uid/upstream', sessions, async (req, res) => {
    const result = req.session.upstreamResult;
    const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
    const uid = interaction?.uid;
    if (!result || !uid || uid !== req.params.uid || result.interactionUid !== uid) {
      pages.failure(req, res, new UpstreamLoginError('state_mismatch', 'no verified login here'));
      return;
    }
    delete req.session.upstreamResult;

    const { identity } = result;
    const decision = await decideLogin(linkRules, identity, { ip: req.ip });
    log.info(
      { provider: identity.providerId, interaction: uid, decision: decision.kind },
      'login.upstream_decided',
    );

    if (decision.kind === 'prove-ownership') {
      req.session.pendingLink = identity;
      res.redirect(303, `/interaction/${uid}/link`);
      return;
    }
    if (decision.kind === 'refused') {
      pages.refusal(req, res, decision, { status: 403, backTo: `/interaction/${uid}` });
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
      pages.failure(req, res, new UpstreamLoginError('state_mismatch', 'no link in progress'));
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
      pages.refusal(req, res, outcome, { status: 409, backTo: '/account' });
      return;
    }
    res.redirect(303, '/account');
  });

  return router;
}
