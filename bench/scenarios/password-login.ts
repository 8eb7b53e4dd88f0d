import type * as oidc from 'openid-client';
import { redeem, startAuthorization } from '../../test/helpers/relying-party.js';
import { readForm, UserAgent } from '../../test/helpers/user-agent.js';
import type { Operation } from '../load.js';
import type { BenchApp, Parent } from '../seed.js';

/**
 * One whole password login in a fresh browser: authorization request, login page, POST of
 * phone + password (argon2id verify), redirect with the code, token redemption by the app.
 */
export async function logIn(
  agent: UserAgent,
  config: oidc.Configuration,
  app: BenchApp,
  parent: Parent,
) {
  const rp = { config, redirectUri: app.redirectUri };
  const start = await startAuthorization(rp);
  const page = await agent.navigate(start.url, { stopAt: app.redirectUri });
  if (page.stopped) throw new Error('the hub skipped the login page of a fresh browser');

  const { action, fields } = readForm(page.body, '/password');
  const result = await agent.navigate(new URL(action, page.url).href, {
    form: { ...fields, phone: parent.phone, password: parent.password },
    stopAt: app.redirectUri,
  });
  if (!result.stopped) throw new Error(`login did not reach the app (${result.status})`);
  return redeem(rp, result.url, start);
}

export function passwordLogin(config: oidc.Configuration, app: BenchApp, parents: Parent[]) {
  return async (user: number): Promise<Operation> => {
    const parent = parents[user];
    if (!parent) throw new Error(`no parent for virtual user ${user}`);
    return async () => {
      await logIn(new UserAgent(), config, app, parent);
    };
  };
}
