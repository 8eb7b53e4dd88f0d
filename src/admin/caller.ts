import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Csrf } from '../http/csrf.js';
import { HubError } from '../http/errors.js';
import type { SignedIn } from '../http/signed-in.js';
import type { Provider } from '../oidc/provider.js';
import type { Institution, InstitutionStore } from '../record/institution-store.js';

/** Who is calling an institution API: a signed-in admin or operator, or an institution's app. */
export type Caller =
  | { kind: 'admin'; accountId: string }
  | { kind: 'operator'; accountId: string; institutionId: number | undefined }
  | { kind: 'app'; clientId: string; institutionId: number | undefined };

/**
 * Works out the caller of an institution API. An institution's own system sends a Bearer
 * access token from the client credentials grant, checked against the hub's own token store
 * and the app's binding to an institution. A browser is signed in at the hub; its cookie
 * makes state-changing calls need the CSRF header too. Parents may not call these APIs.
 */
export function identifyCaller(parts: {
  provider: Provider;
  signedIn: SignedIn;
  institutions: InstitutionStore;
  csrf: Csrf;
}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    findCaller(parts, req, res)
      .then((caller) => {
        res.locals.caller = caller;
        next();
      })
      .catch(next);
  };
}

async function findCaller(
  parts: Parameters<typeof identifyCaller>[0],
  req: Request,
  res: Response,
): Promise<Caller> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) {
    const token = await parts.provider.ClientCredentials.find(bearer);
    if (!token || token.isExpired) {
      throw new HubError(401, 'invalid_token', 'The access token is unknown or has expired.');
    }
    const institutionId = await parts.institutions.institutionOfApp(token.clientId as string);
    return { kind: 'app', clientId: token.clientId as string, institutionId };
  }

  const signedIn = await parts.signedIn.current(req, res);
  if (!signedIn) throw new HubError(401, 'sign_in_required', 'Sign in at the hub first.');
  if (!['GET', 'HEAD'].includes(req.method) && !parts.csrf.isValid(req)) {
    throw new HubError(403, 'csrf_failed', 'The page has expired: reload it and try again.');
  }
  if (signedIn.role === 'admin') return { kind: 'admin', accountId: signedIn.accountId };
  if (signedIn.role === 'operator') {
    const institutionId = await parts.institutions.institutionOfOperator(signedIn.accountId);
    return { kind: 'operator', accountId: signedIn.accountId, institutionId };
  }
  throw new HubError(403, 'role_forbidden', 'Only institution operators and admins may do this.');
}

/** The institution named in the path, if the caller may act for it (admins for any). */
export async function institutionFor(
  institutions: InstitutionStore,
  caller: Caller,
  code: string,
): Promise<Institution> {
  const institution = await institutions.findByCode(code);
  const allowed =
    caller.kind === 'admin' || (institution && caller.institutionId === institution.id);
  if (!allowed) {
    // Same answer whether or not the code exists: an operator learns nothing about others.
    throw new HubError(
      403,
      'institution_forbidden',
      'You may submit and read files only for your own institution.',
    );
  }
  if (!institution)
    throw new HubError(404, 'institution_not_found', 'There is no such institution.');
  return institution;
}
