import { startUpstreamOidc, type UpstreamPerson } from '../../src/demo/upstream-oidc.js';
import { readForm, type UserAgent } from './user-agent.js';

export { startUpstreamOidc, type UpstreamPerson };

export const UPSTREAM_CLIENT = { clientId: 'star-hub', clientSecret: 'upstream-client-secret' };

/** An E-learning-net login provider entry of HUB_LOGIN_PROVIDERS for a stand-in issuer. */
export function elearningProviderConfig(issuer: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'elearning',
    kind: 'elearning-oidc',
    issuer,
    clientId: UPSTREAM_CLIENT.clientId,
    clientSecret: UPSTREAM_CLIENT.clientSecret,
    timeoutMs: 2000,
    ...overrides,
  };
}

/** Signs in at the stand-in E-learning-net's own login page as `sub` (empty: refuse). */
export function answerElearning(
  agent: UserAgent,
  loginPage: Awaited<ReturnType<UserAgent['navigate']>>,
  sub: string,
  stopAt?: string,
) {
  const { action, fields } = readForm(loginPage.body, '/login');
  return agent.navigate(new URL(action, loginPage.url).href, {
    form: { ...fields, sub },
    stopAt,
  });
}
