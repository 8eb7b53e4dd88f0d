import type { StandinApp } from '../../src/demo/wechat-standin.js';
import { startWechatStandin } from '../../src/demo/wechat-standin.js';

export { startWechatStandin, type StandinApp };

/** A WeChat login provider entry of HUB_LOGIN_PROVIDERS pointing at a running stand-in. */
export function wechatProviderConfig(
  standinUrl: string,
  app: StandinApp,
  overrides: Record<string, unknown> = {},
) {
  return {
    id: 'wechat-weixuetong',
    kind: 'wechat-oauth',
    appId: app.appId,
    appSecret: app.appSecret,
    scope: 'snsapi_userinfo',
    authorizeUrl: `${standinUrl}/connect/oauth2/authorize`,
    apiBaseUrl: standinUrl,
    timeoutMs: 2000,
    ...overrides,
  };
}
