import type { WechatOauthConfig } from '../../config/login-providers.js';
import { callbackUrl, type ProviderLabel, type UpstreamProvider } from './login-provider.js';
import { WechatStrategy } from './wechat-strategy.js';

const LABEL: ProviderLabel = { 'zh-CN': '微信登录（微学通）', en: 'WeChat (Weixuetong)' };

/**
 * WeChat web OAuth of one official account (app id). Its identities are
 * (`wechat:<appid>`, openid) and, when WeChat gives one, (`wechat-union`, unionid): openids
 * differ per app id, so only a unionid says two app ids saw the same person.
 */
export function wechatOauthProvider(
  settings: WechatOauthConfig,
  deps: { hubUrl: string },
): UpstreamProvider {
  const strategy = new WechatStrategy(settings, callbackUrl(deps.hubUrl, settings.id));
  return {
    id: settings.id,
    kind: 'wechat-oauth',
    identityProvider: `wechat:${settings.appId}`,
    label: settings.label ?? LABEL,
    allowSignup: settings.allowSignup,
    availability: () => ({ available: true }),
    strategy: async () => strategy,
    close() {},
  };
}
